package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ExecutorSpec;
import dev.ergon.spi.FileType;
import dev.ergon.spi.FilerProvider;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.spi.WorkspacePaths;
import dev.ergon.staging.Filers;
import dev.ergon.staging.OutputFileLog;
import dev.ergon.staging.StagingService;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The filer role of Ergon's image: {@code --role stage-in} and {@code --role stage-out}, run as
 * the first and last container of a task's Pod by the Kubernetes executor. The instructions come
 * as JSON in {@code ERGON_STAGING_SPEC} (the contract is in
 * {@code backends/executor-kubernetes/README.md}); the same {@link StagingService} and filers
 * as Ergon's own staging move the files, configured by {@code ergon.filer.*}. No server, no
 * database.
 */
public final class FilerRole {
    private FilerRole() {}

    /**
     * Runs one staging role.
     *
     * @return the process exit code: 0 on success; 2 for bad instructions; 1 when staging failed
     *     (the reason is on {@code err})
     */
    public static int run(String role, String specJson, PrintStream out, PrintStream err) {
        JsonObject spec;
        try {
            spec = TesTasks.parseObject(specJson, "ERGON_STAGING_SPEC");
            int version = Json.integer(spec, "", "version").orElse(0L).intValue();
            if (version != 1) {
                throw ErgonException.invalid(
                        "version", "staging spec version " + version + " is not supported (expected 1)");
            }
            String declared = Json.requiredString(spec, "", "role");
            if (!declared.equals(role)) {
                throw ErgonException.invalid(
                        "role", "the spec is for '" + declared + "' but this container runs '" + role + "'");
            }
        } catch (ErgonException e) {
            err.println("ergon " + role + ": bad ERGON_STAGING_SPEC: " + e.getMessage());
            return 2;
        }
        try {
            Path root = Path.of(Json.requiredString(spec, "", "root"));
            String taskId = Json.string(spec, "", "taskId").orElse("task");
            TaskSpec task = new TaskSpec(
                    taskId,
                    Optional.empty(),
                    List.of(new ExecutorSpec(
                            "none",
                            List.of("true"),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Map.of(),
                            false)),
                    inputs(spec),
                    outputs(spec),
                    List.of(),
                    ResourceSpec.none(),
                    Map.of(),
                    Optional.empty());
            Config config = ConfigProvider.getConfig();
            Path scratch = Files.createTempDirectory("ergon-filer");
            try (Filers filers = Filers.load(name -> new ConfigProviderContext(
                            config, "ergon.filer." + name + ".", declared(name), scratch, Map.of()));
                    StagingService staging = new StagingService(
                            filers,
                            config.getOptionalValue("ergon.staging.concurrency", Integer.class)
                                    .orElse(4))) {
                if (role.equals("stage-in")) {
                    for (String folder : Json.strings(spec, "", "folders")) {
                        Path p = WorkspacePaths.resolve(root, folder);
                        Files.createDirectories(p);
                        try {
                            // executors may run as any user: they must be able to write here
                            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
                        } catch (UnsupportedOperationException | IOException ignored) {
                            // not a POSIX file system, or not ours to change: best effort
                        }
                    }
                    staging.stageIn(task, root);
                    out.println("ergon stage-in: " + task.inputs().size() + " input(s) staged");
                } else {
                    List<OutputFileLog> logs = staging.stageOut(task, root);
                    for (OutputFileLog l : logs) {
                        out.println(
                                "ergon stage-out: " + l.path() + " -> " + l.url() + " (" + l.sizeBytes() + " bytes)");
                    }
                }
            }
            return 0;
        } catch (ErgonException e) {
            err.println("ergon " + role + " failed: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("ergon " + role + " failed: " + e);
            return 1;
        }
    }

    private static List<dev.ergon.spi.ConfigProperty> declared(String name) {
        for (FilerProvider p : ServiceLoader.load(FilerProvider.class)) {
            if (p.name().equals(name)) {
                return p.configProperties();
            }
        }
        return List.of();
    }

    private static List<InputSpec> inputs(JsonObject spec) {
        List<InputSpec> out = new ArrayList<>();
        List<JsonObject> in = Json.objects(spec, "", "inputs");
        for (int i = 0; i < in.size(); i++) {
            JsonObject o = in.get(i);
            String p = "inputs[" + i + "]";
            out.add(new InputSpec(
                    Json.string(o, p, "name"),
                    Json.string(o, p, "url").filter(s -> !s.isEmpty()),
                    Json.requiredString(o, p, "path"),
                    type(o, p),
                    Json.string(o, p, "content"),
                    Json.bool(o, p, "streamable").orElse(false)));
        }
        return out;
    }

    private static List<OutputSpec> outputs(JsonObject spec) {
        List<OutputSpec> out = new ArrayList<>();
        List<JsonObject> in = Json.objects(spec, "", "outputs");
        for (int i = 0; i < in.size(); i++) {
            JsonObject o = in.get(i);
            String p = "outputs[" + i + "]";
            out.add(new OutputSpec(
                    Json.string(o, p, "name"),
                    Json.requiredString(o, p, "url"),
                    Json.requiredString(o, p, "path"),
                    Json.string(o, p, "pathPrefix")
                            .or(() -> Json.string(o, p, "path_prefix"))
                            .filter(s -> !s.isEmpty()),
                    type(o, p)));
        }
        return out;
    }

    private static FileType type(JsonObject o, String p) {
        String t = Json.string(o, p, "type").orElse("FILE");
        try {
            return FileType.valueOf(t);
        } catch (IllegalArgumentException e) {
            throw ErgonException.invalid(p + ".type", "'" + t + "' is not one of FILE, DIRECTORY");
        }
    }
}
