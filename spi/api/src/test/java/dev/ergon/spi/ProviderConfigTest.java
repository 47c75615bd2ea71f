package dev.ergon.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {
    private final ProviderConfig config = ProviderConfig.of(
            "ergon.executor.local.",
            Map.of("n", "4", "bad", "four", "d", "250ms", "d2", "PT2S", "b", "yes", "l", "a, b,,c"));

    @Test
    void typedGetters() {
        assertEquals(4, config.getInt("n", 1));
        assertEquals(7, config.getInt("absent", 7));
        assertEquals(Duration.ofMillis(250), config.getDuration("d", Duration.ZERO));
        assertEquals(Duration.ofSeconds(2), config.getDuration("d2", Duration.ZERO));
        assertTrue(config.getBoolean("b", false));
        assertEquals(List.of("a", "b", "c"), config.getList("l"));
    }

    @Test
    void badValueNamesTheFullKey() {
        ErgonException e = assertThrows(ErgonException.class, () -> config.getInt("bad", 1));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("ergon.executor.local.bad", e.field().orElseThrow());
        assertTrue(e.getMessage().contains("'four' is not an integer"), e.getMessage());
        assertThrows(ErgonException.class, () -> config.require("missing"));
    }

    @Test
    void workspacePathsStayInside() {
        Path ws = Path.of("/tmp/ws");
        assertEquals(Path.of("/tmp/ws/data/in.txt"), WorkspacePaths.resolve(ws, "/data/in.txt"));
        assertThrows(ErgonException.class, () -> WorkspacePaths.resolve(ws, "/../etc/passwd"));
        assertThrows(ErgonException.class, () -> WorkspacePaths.resolve(ws, "relative"));
    }

    @Test
    void eventsRoundTrip() {
        Event e = new Event("task", "abc", "state", "RUNNING|x");
        assertEquals(e, Event.decode(e.encode()));
    }
}
