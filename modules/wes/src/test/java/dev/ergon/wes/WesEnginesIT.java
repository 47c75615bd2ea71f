package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.microprofile.testing.junit5.AddConfig;
import io.helidon.microprofile.testing.junit5.HelidonTest;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.client.WebTarget;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A two-step workflow in each language, run end to end by its real engine in the engine task on
 * the local executor (bubblewrap), through the WES API: cwltool (Debian {@code cwltool}),
 * Snakemake 7.21 ({@code snakemake}), Toil 5.9 for WDL 1.0 ({@code toil}), and Nextflow 24.10.0
 * from its Maven Central jars, bound read-only into the sandbox. The engines run their steps
 * inside the engine task (Nextflow's TES plugin cannot be had here; the config Ergon writes for
 * TES is checked in the adapters' tests).
 */
@HelidonTest
@AddConfig(key = "ergon.data-dir", value = "target-wes/it-data/wes-engines")
@AddConfig(key = "ergon.executor.local.ro-binds", value = "/usr,/etc,/opt,${ergon.nextflow.lib}")
@AddConfig(key = "ergon.adapter.nextflow.classpath", value = "${ergon.nextflow.lib}")
class WesEnginesIT {
    static final Duration WAIT = Duration.ofMinutes(3);

    @Inject
    WebTarget target;

    WesClient wes() {
        return new WesClient(target.getUri());
    }

    private static void requireProgram(String name) {
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin", name)),
                name + " is not installed (apt-get install " + name + "; .ci/run installs it)");
    }

    private JsonObject runToEnd(Form form) {
        WesClient wes = wes();
        String id = wes.submit(form);
        JsonObject run = wes.awaitEnd(id, WAIT);
        String stderr = run.getJsonObject("run_log").containsKey("stderr")
                ? wes.text(run.getJsonObject("run_log").getString("stderr"))
                : "";
        assertEquals("COMPLETE", run.getString("state"), () -> run + "\nengine stderr:\n" + stderr);
        JsonObject tasks = wes.checked("runs/" + id + "/tasks");
        assertEquals(1, tasks.getJsonArray("task_logs").size(), tasks.toString());
        assertEquals(0, run.getJsonObject("run_log").getInt("exit_code"), run.toString());
        return run;
    }

    static String read(String url) {
        return WesDagIT.read(Path.of(URI.create(url)));
    }

    @Test
    void cwlWithCwltool() {
        requireProgram("cwltool");
        JsonObject run = runToEnd(
                WesClient.form("cwl", "v1.2", "wf.cwl", "{\"message\": \"ergon\"}")
                        .attach(
                                "wf.cwl",
                                """
                        cwlVersion: v1.2
                        class: Workflow
                        inputs:
                          message: string
                        outputs:
                          result: {type: File, outputSource: shout/out}
                        steps:
                          greet: {run: tools/greet.cwl, in: {message: message}, out: [out]}
                          shout: {run: tools/shout.cwl, in: {src: greet/out}, out: [out]}
                        """)
                        .attach(
                                "tools/greet.cwl",
                                """
                        cwlVersion: v1.2
                        class: CommandLineTool
                        baseCommand: echo
                        inputs:
                          message: {type: string, inputBinding: {position: 1}}
                        stdout: greeting.txt
                        outputs:
                          out: {type: stdout}
                        """)
                        .attach(
                                "tools/shout.cwl",
                                """
                        cwlVersion: v1.2
                        class: CommandLineTool
                        baseCommand: [tr, a-z, A-Z]
                        stdin: $(inputs.src.path)
                        stdout: shout.txt
                        inputs:
                          src: File
                        outputs:
                          out: {type: stdout}
                        """));
        JsonObject result = run.getJsonObject("outputs").getJsonObject("result");
        assertEquals("File", result.getString("class"));
        assertEquals("ERGON\n", read(result.getString("location")));
        assertTrue(wes().text(run.getJsonObject("run_log").getString("stdout")).contains("\"result\""), run.toString());
    }

    @Test
    void cwlWithToil() {
        requireProgram("toil-cwl-runner");
        JsonObject run = runToEnd(
                WesClient.form("CWL", "v1.0", "echo.cwl", "{\"message\": \"toil\"}")
                        .field("workflow_engine", "toil")
                        .attach(
                                "echo.cwl",
                                """
                        cwlVersion: v1.0
                        class: CommandLineTool
                        baseCommand: echo
                        inputs:
                          message: {type: string, inputBinding: {position: 1}}
                        stdout: said.txt
                        outputs:
                          out: {type: stdout}
                        """));
        assertEquals(
                "toil\n", read(run.getJsonObject("outputs").getJsonObject("out").getString("location")));
    }

    @Test
    void snakemake() {
        requireProgram("snakemake");
        JsonObject run = runToEnd(WesClient.form("SMK", "7", "Snakefile", "{\"who\": \"ergon\"}")
                .field("workflow_engine_parameters", "{\"cores\": \"1\", \"not-a-snakemake-thing\": \"x\"}")
                .attach(
                        "Snakefile",
                        """
                        rule all:
                            input: "results/shout.txt"

                        rule greet:
                            input: "data/who.txt"
                            output: "results/greeting.txt"
                            params: greeting=config.get("who", "world")
                            shell: "echo hello {params.greeting} $(cat {input}) > {output}"

                        rule shout:
                            input: "results/greeting.txt"
                            output: "results/shout.txt"
                            shell: "tr a-z A-Z < {input} > {output}"
                        """)
                .attach("data/who.txt", "and friends\n"));
        JsonObject outputs = run.getJsonObject("outputs");
        assertEquals("HELLO ERGON AND FRIENDS\n", read(outputs.getString("results/shout.txt")), outputs.toString());
        assertTrue(
                run.getJsonObject("run_log")
                        .getJsonArray("system_logs")
                        .toString()
                        .contains("not-a-snakemake-thing"),
                run.toString());
    }

    @Test
    void wdlWithToil() {
        requireProgram("toil-wdl-runner");
        JsonObject run = runToEnd(
                WesClient.form("WDL", "1.0", "wf.wdl", "{\"two_steps.name\": \"ergon\"}")
                        .field("workflow_engine", "toil")
                        .attach(
                                "wf.wdl",
                                """
                        version 1.0

                        workflow two_steps {
                          input { String name }
                          call greet { input: name = name }
                          call shout { input: f = greet.out }
                          output { File result = shout.out }
                        }

                        task greet {
                          input { String name }
                          command <<<
                            echo "hello ~{name}" > greeting.txt
                          >>>
                          output { File out = "greeting.txt" }
                        }

                        task shout {
                          input { File f }
                          command <<<
                            tr a-z A-Z < ~{f} > shout.txt
                          >>>
                          output { File out = "shout.txt" }
                        }
                        """));
        JsonObject outputs = run.getJsonObject("outputs");
        assertEquals("HELLO ERGON\n", read(outputs.getString("shout.txt")), outputs.toString());
    }

    @Test
    void nextflowFromItsMavenJars() {
        String lib = System.getProperty("ergon.nextflow.lib", "");
        Assumptions.assumeTrue(!lib.isEmpty() && Files.isDirectory(Path.of(lib)), "Nextflow's jars are not in " + lib);
        JsonObject run = runToEnd(
                WesClient.form("NFL", "DSL2", "main.nf", "{\"who\": \"ergon\"}")
                        .attach(
                                "main.nf",
                                """
                        nextflow.enable.dsl=2
                        params.who = 'world'

                        process GREET {
                          output: path 'greeting.txt'
                          script: "echo hello ${params.who} > greeting.txt"
                        }

                        process SHOUT {
                          publishDir params.outdir, mode: 'copy'
                          input: path f
                          output: path 'shout.txt'
                          script: "tr a-z A-Z < ${f} > shout.txt"
                        }

                        workflow { SHOUT(GREET()) }
                        """));
        JsonObject outputs = run.getJsonObject("outputs");
        assertEquals("HELLO ERGON\n", read(outputs.getString("shout.txt")), outputs.toString());
        for (JsonValue v :
                wes().checked("runs/" + run.getString("run_id") + "/tasks").getJsonArray("task_logs")) {
            assertTrue(v.asJsonObject().getJsonArray("cmd").toString().contains("nextflow.cli.Launcher"), v.toString());
        }
    }
}
