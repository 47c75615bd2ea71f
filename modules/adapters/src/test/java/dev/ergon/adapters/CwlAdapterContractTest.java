package dev.ergon.adapters;

import dev.ergon.spi.LanguageAdapter;
import dev.ergon.testkit.LanguageAdapterContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class CwlAdapterContractTest extends LanguageAdapterContract {
    private static final LanguageAdapter ADAPTER = Adapters.create(new CwlAdapterProvider(), Map.of());

    @Override
    protected LanguageAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected String writeWorkflow(Path attachments) throws IOException {
        Files.createDirectories(attachments.resolve("cwl"));
        Files.writeString(
                attachments.resolve("cwl/wf.cwl"),
                "cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: echo\ninputs: []\noutputs: []\n");
        return "cwl/wf.cwl";
    }

    @Override
    protected Map<String, Object> writeResults(Path results) throws IOException {
        Files.createDirectories(results.resolve("outputs"));
        Files.writeString(results.resolve("outputs/out.txt"), "x");
        Files.writeString(
                results.resolve("cwl-output.json"),
                """
                {"out": {"class": "File", "location": "file:///ergon/results/outputs/out.txt", "path": "/ergon/results/outputs/out.txt",
                 "size": 1}}""");
        String base = results.toAbsolutePath().normalize().toUri().toString();
        return Map.of(
                "out",
                Map.of(
                        "class",
                        "File",
                        "location",
                        base + "outputs/out.txt",
                        "path",
                        base + "outputs/out.txt",
                        "size",
                        1));
    }
}
