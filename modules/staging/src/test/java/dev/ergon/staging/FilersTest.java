package dev.ergon.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FilerCapability;
import dev.ergon.testkit.InMemoryFiler;
import dev.ergon.testkit.TestProviderContext;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilersTest {
    @TempDir
    Path tmp;

    private final InMemoryFiler http =
            new InMemoryFiler("http", EnumSet.of(FilerCapability.READ, FilerCapability.WRITE));
    private final Filers filers = new Filers(List.of(new FileFiler(), http, new InMemoryFiler("HTTPS")));

    @Test
    void findsFilersByScheme() {
        assertEquals(Set.of("file", "http", "https"), filers.schemes());
        assertSame(http, filers.forScheme("HTTP").orElseThrow());
        assertTrue(filers.forScheme("s3").isEmpty());
        assertSame(http, filers.require(URI.create("http://h/x"), FilerCapability.READ, "inputs[0].url"));
    }

    @Test
    void anUnservedSchemeNamesTheFieldAndTheSchemesServed() {
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> filers.require(URI.create("s3://bucket/key"), FilerCapability.READ, "inputs[0].url"));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("inputs[0].url", e.field().orElseThrow());
        assertEquals("inputs[0].url: no filer serves scheme 's3'; schemes served: file, http, https", e.getMessage());
    }

    @Test
    void aMissingCapabilityNamesTheField() {
        ErgonException e = assertThrows(
                ErgonException.class,
                () -> filers.require(URI.create("http://h/dir"), FilerCapability.LIST, "inputs[3].url"));
        assertEquals(ErrorKind.INVALID_INPUT, e.kind());
        assertEquals("inputs[3].url", e.field().orElseThrow());
        assertTrue(e.getMessage().startsWith("inputs[3].url: http:// URLs do not support LIST"), e.getMessage());
    }

    @Test
    void twoFilersForOneSchemeAreRejected() {
        ErgonException e = assertThrows(
                ErgonException.class, () -> new Filers(List.of(new InMemoryFiler("mem"), new InMemoryFiler("mem"))));
        assertTrue(e.getMessage().contains("scheme 'mem' is served by two filers"), e.getMessage());
    }

    @Test
    void loadFindsTheFileFilerAndLogsIt() {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger jul = Logger.getLogger(Filers.class.getName());
        jul.addHandler(handler);
        try (Filers loaded = Filers.load(name -> new TestProviderContext("ergon.filer." + name + ".", Map.of(), tmp))) {
            assertTrue(loaded.schemes().contains("file"), loaded.schemes().toString());
            assertTrue(
                    logged.contains("Registering filer 'file' for schemes [file] (dev.ergon.staging)"),
                    logged.toString());
        } finally {
            jul.removeHandler(handler);
        }
    }
}
