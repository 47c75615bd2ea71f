package dev.ergon.executor.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ergon.events.redis.RedisEventBus;
import dev.ergon.spi.Event;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The filer role as the fake cluster runs it for the filer image: a small, strict reading of the
 * contract in the README (what Ergon's real {@code --role stage-in|stage-out} must implement), run
 * in-process on the Pod's volume. It reads {@code ERGON_STAGING_SPEC} from the container's env,
 * checks {@code version}, {@code role} (against {@code --role}) and {@code root} (against the
 * container's mount), then stage-in creates {@code folders} and writes each input (inline {@code
 * content}, or a {@code file://} URL), and stage-out copies each output to its {@code file://}
 * URL. URLs with the scheme {@code fail:} fail, for tests of staging failures. Exit 0, or 1 with
 * the reason on stderr.
 *
 * <p>After success it publishes {@code ERGON_PHASE_EVENT} as the real role does when its env says
 * {@code ERGON_EVENTS=redis}: on a real Redis at {@code ERGON_EVENTS_REDIS_URL} (an inline value;
 * the fake kubelet resolves no Secrets), channel {@code ERGON_EVENTS_REDIS_CHANNEL} or {@code
 * ergon-events}. A failed publish is one line on stderr and never fails the phase.
 */
final class FakeFiler {
    private FakeFiler() {}

    static Behaviour behaviour() {
        return ctx -> {
            Behaviour.Exited result;
            try {
                String report = run(ctx.container(), ctx.volume());
                result = Behaviour.Exited.of(0, report, publish(ctx.container()));
            } catch (IOException | RuntimeException e) {
                result = Behaviour.Exited.of(1, "", "ergon filer: " + e.getMessage() + "\n");
            }
            Behaviour.Exited done = result;
            return new Behaviour.Started(new Behaviour.Run() {
                @Override
                public Behaviour.Poll poll() {
                    return done;
                }

                @Override
                public void kill() {}
            });
        };
    }

    private static String run(V1Container c, Path volume) throws IOException {
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
        int i = args.indexOf("--role");
        if (i < 0 || i + 1 >= args.size()) {
            throw new IllegalArgumentException("no --role argument in " + args);
        }
        String role = args.get(i + 1);
        String specText = c.getEnv() == null
                ? null
                : c.getEnv().stream()
                        .filter(e -> JobManifest.STAGING_SPEC_ENV.equals(e.getName()))
                        .map(V1EnvVar::getValue)
                        .findFirst()
                        .orElse(null);
        if (specText == null) {
            throw new IllegalArgumentException(JobManifest.STAGING_SPEC_ENV + " is not set");
        }
        JsonObject spec = JsonParser.parseString(specText).getAsJsonObject();
        if (spec.get("version").getAsInt() != 1) {
            throw new IllegalArgumentException("unknown staging spec version " + spec.get("version"));
        }
        if (!role.equals(spec.get("role").getAsString())) {
            throw new IllegalArgumentException("--role " + role + " but the spec is for " + spec.get("role"));
        }
        String root = spec.get("root").getAsString();
        boolean mounted = c.getVolumeMounts() != null
                && c.getVolumeMounts().stream().map(V1VolumeMount::getMountPath).anyMatch(root::equals);
        if (!mounted) {
            throw new IllegalArgumentException("root " + root + " is not a mount of this container");
        }
        StringBuilder report = new StringBuilder();
        if (role.equals("stage-in")) {
            for (JsonElement f : spec.getAsJsonArray("folders")) {
                Files.createDirectories(at(volume, f.getAsString()));
            }
            for (JsonElement e : spec.getAsJsonArray("inputs")) {
                JsonObject in = e.getAsJsonObject();
                Path target = at(volume, in.get("path").getAsString());
                Files.createDirectories(target.getParent());
                if (in.has("content")) {
                    Files.writeString(target, in.get("content").getAsString(), StandardCharsets.UTF_8);
                } else {
                    copy(source(in.get("url").getAsString()), target);
                }
                report.append("staged in ").append(in.get("path").getAsString()).append('\n');
            }
        } else if (role.equals("stage-out")) {
            JsonArray outputs = spec.getAsJsonArray("outputs");
            for (JsonElement e : outputs) {
                JsonObject out = e.getAsJsonObject();
                String path = out.get("path").getAsString();
                String url = out.get("url").getAsString();
                if (path.contains("*") || path.contains("?")) {
                    String prefix =
                            out.has("pathPrefix") ? out.get("pathPrefix").getAsString() : "/";
                    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + path);
                    try (Stream<Path> all = Files.walk(volume)) {
                        for (Path p : all.filter(Files::isRegularFile).toList()) {
                            String container = "/" + volume.relativize(p);
                            if (m.matches(Path.of(container))) {
                                copy(p, source(url + container.substring(prefix.length())));
                            }
                        }
                    }
                } else {
                    Path from = at(volume, path);
                    if (!Files.exists(from)) {
                        throw new IOException("output " + path + " does not exist");
                    }
                    copy(from, source(url));
                }
                report.append("staged out ")
                        .append(path)
                        .append(" to ")
                        .append(url)
                        .append('\n');
            }
        } else {
            throw new IllegalArgumentException("unknown role " + role);
        }
        return report.toString();
    }

    private static Path at(Path volume, String containerPath) {
        Path p = volume.resolve(containerPath.substring(1)).normalize();
        if (!p.startsWith(volume)) {
            throw new IllegalArgumentException(containerPath + " escapes the volume");
        }
        return p;
    }

    private static Path source(String url) throws IOException {
        URI u = URI.create(url);
        if ("fail".equals(u.getScheme())) {
            throw new IOException("cannot transfer " + url + ": scripted failure");
        }
        if (!"file".equals(u.getScheme())) {
            throw new IOException("the fake filer serves file:// only, not " + url);
        }
        return Path.of(u);
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : all.toList()) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.createDirectories(t.getParent());
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** What {@code --role} publishes after success; returns its stderr (empty, or the failure). */
    private static String publish(V1Container c) {
        String event = env(c, "ERGON_PHASE_EVENT");
        if (event == null || !"redis".equals(env(c, "ERGON_EVENTS"))) {
            return "";
        }
        String url = env(c, "ERGON_EVENTS_REDIS_URL");
        String channel = env(c, "ERGON_EVENTS_REDIS_CHANNEL");
        try (RedisEventBus bus = new RedisEventBus(
                url == null ? "redis://127.0.0.1:6379" : url,
                channel == null ? "ergon-events" : channel,
                Duration.ofSeconds(1))) {
            bus.publish(Event.decode(event));
            return "";
        } catch (RuntimeException e) {
            return "ergon filer: phase event not published: " + e.getMessage() + "\n";
        }
    }

    private static String env(V1Container c, String name) {
        if (c.getEnv() == null) {
            return null;
        }
        return c.getEnv().stream()
                .filter(e -> name.equals(e.getName()))
                .map(V1EnvVar::getValue)
                .findFirst()
                .orElse(null);
    }
}
