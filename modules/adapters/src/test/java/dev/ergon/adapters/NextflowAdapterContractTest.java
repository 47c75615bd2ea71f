package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.testkit.LanguageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class NextflowAdapterContractTest extends LanguageAdapterContract {
    private static final LanguageAdapter ADAPTER = Adapters.create(new NextflowAdapterProvider(), Map.of());

    @Override
    protected LanguageAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected String writeWorkflow(Path attachments) throws IOException {
        Files.writeString(attachments.resolve("main.nf"), "workflow { }\n");
        return "main.nf";
    }

    @Override
    protected Map<String, Object> writeResults(Path results) throws IOException {
        Files.createDirectories(results.resolve("outputs"));
        Path f = Files.writeString(results.resolve("outputs/result.txt"), "r");
        return Map.of("result.txt", f.toAbsolutePath().normalize().toUri().toString());
    }
}
