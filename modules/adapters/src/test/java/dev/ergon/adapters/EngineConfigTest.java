package dev.ergon.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.LanguageAdapter;
import dev.ergon.spi.RunRequest;
import dev.ergon.spi.TaskSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the adapters write for engines that send their steps to Ergon's TES (checked here; not runnable offline). */
class EngineConfigTest {
    @TempDir
    Path dir;

    private RunRequest run(String url, Map<String, String> engineParams) throws IOException {
        Path att = Files.createDirectories(dir.resolve("attachments"));
        Files.writeString(att.resolve(url), "x");
        return new RunRequest("run-1", "T", "1", url, "{\"a\": 1}", engineParams, Map.of("team", "x"), att);
    }

    private static String script(TaskSpec t) {
        return t.executors().get(0).command().get(2);
    }

    private static String file(TaskSpec t, String path) {
        return t.inputs().stream()
                .filter(i -> i.path().equals(path))
                .findFirst()
                .flatMap(InputSpec::content)
                .orElseThrow();
    }

    @Test
    void nextflowOnTesUsesTheGa4ghPluginAtErgonsEndpoint() throws IOException {
        LanguageAdapter a = Adapters.create(
                new NextflowAdapterProvider(),
                Map.of("executor", "tes", "tes-url", "http://127.0.0.1:8080/ga4gh/tes/v1", "classpath", "/opt/nf/lib"));
        TaskSpec t = a.prepare(run("main.nf", Map.of("profile", "test", "unknown-flag", "1")));
        String conf = file(t, "/ergon/engine/nextflow.config");
        assertTrue(conf.contains("process.executor = 'tes'"), conf);
        assertTrue(conf.contains("plugins { id 'nf-ga4gh' }"), conf);
        assertTrue(conf.contains("tes.endpoint = 'http://127.0.0.1:8080'"), conf);
        assertTrue(conf.contains("params.outdir = '/ergon/results/outputs'"), conf);
        assertTrue(script(t).contains("'-cp' '/opt/nf/lib/*' 'nextflow.cli.Launcher'"), script(t));
        assertTrue(script(t).contains("'-profile' 'test'"), script(t));
        assertEquals("run-1", t.tags().get("ergon.run-id"));
        assertEquals("x", t.tags().get("team"));
        assertTrue(
                t.tags().get("ergon.ignored-engine-parameters").startsWith("unknown-flag"),
                t.tags().toString());
        assertEquals("true", t.executors().get(0).env().get("NXF_OFFLINE"));
    }

    @Test
    void nextflowOnKubernetesNamesTheNamespace() throws IOException {
        LanguageAdapter a =
                Adapters.create(new NextflowAdapterProvider(), Map.of("executor", "k8s", "namespace", "ergon"));
        String conf = file(a.prepare(run("main.nf", Map.of())), "/ergon/engine/nextflow.config");
        assertTrue(conf.contains("process.executor = 'k8s'") && conf.contains("k8s.namespace = 'ergon'"), conf);
    }

    @Test
    void snakemakeOnTesPassesErgonsEndpoint() throws IOException {
        LanguageAdapter a = Adapters.create(
                new SnakemakeAdapterProvider(),
                Map.of("executor", "tes", "tes-url", "http://127.0.0.1:8080/ga4gh/tes/v1"));
        String s = script(a.prepare(run("Snakefile", Map.of("targets", "a.txt b.txt", "cores", "2"))));
        assertTrue(s.contains("'--tes' 'http://127.0.0.1:8080/ga4gh/tes/v1'"), s);
        assertTrue(s.contains("'--cores' '2'") && s.contains("'a.txt' 'b.txt'"), s);
        assertThrows(ErgonException.class, () -> a.prepare(run("Snakefile", Map.of("cores", "1; rm -rf /"))));
        assertThrows(
                ErgonException.class, () -> Adapters.create(new SnakemakeAdapterProvider(), Map.of("executor", "tes")));
    }

    @Test
    void cromwellOnTesIsConfiguredForErgon() throws IOException {
        LanguageAdapter a = Adapters.create(
                new WdlAdapterProvider(),
                Map.of("engine", "cromwell", "tes-url", "http://127.0.0.1:8080/ga4gh/tes/v1"));
        TaskSpec t = a.prepare(run("wf.wdl", Map.of()));
        String conf = file(t, "/ergon/engine/cromwell.conf");
        assertTrue(conf.contains("endpoint = \"http://127.0.0.1:8080/ga4gh/tes/v1/tasks\""), conf);
        assertTrue(script(t).contains("'-Dconfig.file=/ergon/engine/cromwell.conf'"), script(t));
    }

    @Test
    void theRequestsWorkflowEngineChoosesToil() throws IOException {
        LanguageAdapter a = Adapters.create(new CwlAdapterProvider(), Map.of());
        assertTrue(script(a.prepare(run("wf.cwl", Map.of()))).contains("'cwltool'"));
        assertTrue(script(a.prepare(run("wf.cwl", Map.of("ergon.workflow-engine", "toil"))))
                .contains("'toil-cwl-runner'"));
        ErgonException e = assertThrows(
                ErgonException.class, () -> a.prepare(run("wf.cwl", Map.of("ergon.workflow-engine", "bash"))));
        assertEquals("workflow_engine", e.field().orElse(""));
    }

    @Test
    void shellQuotingSurvivesHostileNames() {
        assertEquals("'a'\"'\"'b'", Shell.quote("a'b"));
    }
}
