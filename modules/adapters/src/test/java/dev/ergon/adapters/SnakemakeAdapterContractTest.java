package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.testkit.LanguageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class SnakemakeAdapterContractTest extends LanguageAdapterContract {
    private static final LanguageAdapter ADAPTER = Adapters.create(new SnakemakeAdapterProvider(), Map.of());

    @Override
    protected LanguageAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected String writeWorkflow(Path attachments) throws IOException {
        Files.writeString(
                attachments.resolve("Snakefile"), "rule all:\n    output: 'a.txt'\n    shell: 'touch {output}'\n");
        return "Snakefile";
    }

    @Override
    protected Map<String, Object> writeResults(Path results) throws IOException {
        Files.createDirectories(results.resolve("outputs/sub"));
        Path f = Files.writeString(results.resolve("outputs/sub/a.txt"), "a");
        return Map.of("sub/a.txt", f.toAbsolutePath().normalize().toUri().toString());
    }
}
