package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.testkit.LanguageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class DagAdapterContractTest extends LanguageAdapterContract {
    private static final LanguageAdapter ADAPTER = Adapters.create(new DagAdapterProvider(), Map.of());

    @Override
    protected LanguageAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected String writeWorkflow(Path attachments) throws IOException {
        Files.writeString(attachments.resolve("dag.yaml"), "nodes:\n  a: {command: [\"true\"]}\n");
        return "dag.yaml";
    }

    @Override
    protected Map<String, Object> writeResults(Path results) throws IOException {
        Files.createDirectories(results.resolve("a"));
        Path f = Files.writeString(results.resolve("a/out"), "x");
        return Map.of("a.out", f.toAbsolutePath().normalize().toUri().toString());
    }
}
