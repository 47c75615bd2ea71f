package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.testkit.LanguageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class WdlAdapterContractTest extends LanguageAdapterContract {
    private static final LanguageAdapter ADAPTER = Adapters.create(new WdlAdapterProvider(), Map.of());

    @Override
    protected LanguageAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected String writeWorkflow(Path attachments) throws IOException {
        Files.writeString(attachments.resolve("wf.wdl"), "version 1.0\nworkflow w {}\n");
        return "wf.wdl";
    }

    @Override
    protected Map<String, Object> writeResults(Path results) throws IOException {
        Files.createDirectories(results.resolve("outputs"));
        Path f = Files.writeString(results.resolve("outputs/shout.txt"), "HELLO\n");
        return Map.of("shout.txt", f.toAbsolutePath().normalize().toUri().toString());
    }
}
