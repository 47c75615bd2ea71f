package dev.ergon.bench;

import dev.ergon.spi.FileType;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.ProviderConfig;
import dev.ergon.spi.ProviderContext;
import dev.ergon.spi.ResourceSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.staging.Filers;
import dev.ergon.staging.StagingService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Staging throughput: Ergon's transfer engine (the code the server and the Kubernetes
 * stage-in/stage-out containers run) moving a large file and many small files, beside a raw
 * {@link Files#copy} of the same bytes in the same run.
 */
final class StagingBench {
    private final Path work;
    private final long bigBytes;
    private final int smallFiles;
    private final BiConsumer<String, String[]> row;

    StagingBench(Path work, long bigBytes, int smallFiles, BiConsumer<String, String[]> row) {
        this.work = work;
        this.bigBytes = bigBytes;
        this.smallFiles = smallFiles;
        this.row = row;
    }

    void run() throws IOException {
        Path src = Files.createDirectories(work.resolve("staging-src"));
        Path big = src.resolve("big.bin");
        writeRandom(big, bigBytes);
        Path small = Files.createDirectories(src.resolve("small"));
        byte[] four = new byte[4096];
        Random r = new Random(1);
        for (int i = 0; i < smallFiles; i++) {
            r.nextBytes(four);
            Path f = small.resolve("d" + (i % 100)).resolve("f" + i + ".bin");
            Files.createDirectories(f.getParent());
            Files.write(f, four);
        }
        try (Filers filers = Filers.load(name -> context(name, Map.of()));
                StagingService staging = new StagingService(filers)) {
            // warm-up
            stageIn(
                    staging,
                    List.of(input(big.toUri().toString(), "/in/big.bin", FileType.FILE)),
                    work.resolve("ws-warm"));
            delete(work.resolve("ws-warm"));

            // Alternate raw and staged copies three times and keep each one's best, so neither pays
            // for the other's page-cache or write-back state.
            long rawBig = Long.MAX_VALUE;
            long stagedBig = Long.MAX_VALUE;
            long stagedBigOut = Long.MAX_VALUE;
            Path out = Files.createDirectories(work.resolve("out"));
            for (int round = 0; round < 3; round++) {
                rawBig = Math.min(rawBig, time(() -> Files.copy(big, work.resolve("raw-big.bin"))));
                delete(work.resolve("raw-big.bin"));
                stagedBig = Math.min(
                        stagedBig,
                        time(() -> stageIn(
                                staging,
                                List.of(input(big.toUri().toString(), "/in/big.bin", FileType.FILE)),
                                work.resolve("ws-big"))));
                stagedBigOut = Math.min(
                        stagedBigOut,
                        time(() -> stageOut(
                                staging,
                                big,
                                work.resolve("ws-big"),
                                out.resolve("big.bin").toUri().toString())));
                delete(work.resolve("ws-big"));
                delete(out.resolve("big.bin"));
            }
            row.accept("staging", new String[] {
                "stage-in, " + mib(bigBytes) + " file (file://), best of 3",
                mbps(bigBytes, stagedBig),
                "stage-out " + mbps(bigBytes, stagedBigOut),
                "raw Files.copy: " + mbps(bigBytes, rawBig),
                pct(rawBig, stagedBig) + " of raw"
            });

            long rawSmall = time(() -> copyTree(small, work.resolve("raw-small")));
            long stagedSmall = time(() -> stageIn(
                    staging,
                    List.of(input(small.toUri().toString(), "/in/small", FileType.DIRECTORY)),
                    work.resolve("ws-small")));
            row.accept("staging", new String[] {
                "stage-in, " + smallFiles + " files of 4 KiB (file://, DIRECTORY)",
                String.format(Locale.ROOT, "%,.0f files/s", smallFiles / (stagedSmall / 1e9)),
                "",
                String.format(Locale.ROOT, "raw Files.copy: %,.0f files/s", smallFiles / (rawSmall / 1e9)),
                pct(rawSmall, stagedSmall) + " of raw"
            });
        }
        delete(work.resolve("ws-small"));
        delete(work.resolve("raw-small"));
        delete(work.resolve("out"));
        s3(big, small);
        delete(src);
    }

    /**
     * The same transfers through S3 (S3Proxy on a local filesystem store) and the jclouds filer,
     * each beside a bare jclouds S3 client speaking the same protocol (signature version, path
     * style) to the same server, rounds interleaved so both see the same machine.
     */
    private void s3(Path big, Path small) throws IOException {
        Path store = Files.createDirectories(work.resolve("s3-store"));
        java.util.Properties p = new java.util.Properties();
        p.setProperty("jclouds.filesystem.basedir", store.toString());
        try (org.jclouds.blobstore.BlobStoreContext backend = org.jclouds.ContextBuilder.newBuilder("filesystem")
                .overrides(p)
                .buildView(org.jclouds.blobstore.BlobStoreContext.class)) {
            org.gaul.s3proxy.S3Proxy proxy = org.gaul.s3proxy.S3Proxy.builder()
                    .blobStore(backend.getBlobStore())
                    .endpoint(java.net.URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret")
                    .build();
            try {
                proxy.start();
            } catch (Exception e) {
                throw new IOException("cannot start S3Proxy", e);
            }
            try {
                backend.getBlobStore().createContainerInLocation(null, "bench");
                String endpoint = "http://127.0.0.1:" + proxy.getPort();
                Map<String, String> s3 =
                        Map.of("s3.endpoint", endpoint, "s3.identity", "bench", "s3.credential", "bench-secret");
                bigFile(big, endpoint, 4, s3, "signature v4, bodies signed (the default over http)");
                bigFile(
                        big,
                        endpoint,
                        4,
                        with(s3, "s3.sign-payload", "false"),
                        "v4, bodies unsigned (the default over https; the bare client signs them)");
                bigFile(big, endpoint, 2, with(s3, "s3.signature-version", "2"), "signature v2");
                bigFile(big, endpoint, 4, with(s3, "verify-checksums", "false"), "v4, verify-checksums=false");
                smallFiles(small, endpoint, s3);
            } finally {
                try {
                    proxy.stop();
                } catch (Exception ignored) {
                    // the harness is ending
                }
            }
        }
        delete(store);
    }

    /** Rounds of the large S3 transfers; each round runs both sides, in alternating order. */
    private static final int S3_ROUNDS = 5;

    /**
     * The large file up and down through Ergon's staging and through a bare client. Each round
     * times all four transfers, the bare client first in even rounds and Ergon first in odd ones,
     * so neither side always follows the other's disk write-back; the row shows the medians of
     * the rounds and the median of the rounds' own ratios (S3Proxy shares the JVM and the 2
     * cores, so single rounds vary by tens of percent).
     */
    private void bigFile(Path big, String endpoint, int signature, Map<String, String> settings, String label)
            throws IOException {
        Path ws = work.resolve("ws-s3");
        long[] rawPut = new long[S3_ROUNDS];
        long[] rawGet = new long[S3_ROUNDS];
        long[] up = new long[S3_ROUNDS];
        long[] down = new long[S3_ROUNDS];
        try (org.jclouds.blobstore.BlobStoreContext client = bareClient(endpoint, signature);
                Filers filers = Filers.load(name -> context(name, name.equals("jclouds") ? settings : Map.of()));
                StagingService staging = new StagingService(filers)) {
            org.jclouds.blobstore.BlobStore raw = client.getBlobStore();
            IoRun barePut = () -> raw.putBlob(
                    "bench",
                    raw.blobBuilder("raw-big.bin")
                            .payload(big.toFile())
                            .contentLength(Files.size(big))
                            .build(),
                    org.jclouds.blobstore.options.PutOptions.Builder.multipart());
            IoRun bareGet = () -> {
                try (java.io.InputStream in =
                        raw.getBlob("bench", "raw-big.bin").getPayload().openStream()) {
                    Files.copy(in, work.resolve("raw-get.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            };
            for (int round = 0; round < S3_ROUNDS; round++) {
                boolean bareFirst = round % 2 == 0;
                Files.createDirectories(ws.resolve("in"));
                Files.copy(big, ws.resolve("in/big.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                if (bareFirst) {
                    rawPut[round] = time(barePut);
                }
                up[round] = time(() -> stageOut(staging, big, ws, "s3://bench/big.bin"));
                if (!bareFirst) {
                    rawPut[round] = time(barePut);
                }
                delete(ws);
                if (bareFirst) {
                    rawGet[round] = time(bareGet);
                    delete(work.resolve("raw-get.bin"));
                }
                down[round] = time(
                        () -> stageIn(staging, List.of(input("s3://bench/big.bin", "/in/big.bin", FileType.FILE)), ws));
                delete(ws);
                if (!bareFirst) {
                    rawGet[round] = time(bareGet);
                    delete(work.resolve("raw-get.bin"));
                }
            }
        }
        row.accept("staging", new String[] {
            "S3 (S3Proxy, local disk), " + mib(bigBytes) + " file, " + label + ", median of " + S3_ROUNDS,
            "stage-in " + mbps(bigBytes, median(down)),
            "stage-out " + mbps(bigBytes, median(up)),
            "bare jclouds client, signature v" + signature + ": get " + mbps(bigBytes, median(rawGet)) + ", put "
                    + mbps(bigBytes, median(rawPut)),
            medianRatio(rawGet, down) + " / " + medianRatio(rawPut, up) + " of the bare client"
        });
    }

    private static long median(long[] nanos) {
        long[] s = nanos.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The median over rounds of (bare time / Ergon time), as a percentage. */
    private static String medianRatio(long[] rawNanos, long[] nanos) {
        double[] r = new double[nanos.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (double) rawNanos[i] / nanos[i];
        }
        java.util.Arrays.sort(r);
        return String.format(Locale.ROOT, "%.0f%%", 100 * r[r.length / 2]);
    }

    /** A DIRECTORY of small files up and down, beside a bare client moving them one by one. */
    private void smallFiles(Path small, String endpoint, Map<String, String> settings) throws IOException {
        List<Path> smallList = new ArrayList<>();
        try (Stream<Path> st = Files.walk(small)) {
            st.filter(Files::isRegularFile).forEach(smallList::add);
        }
        long rawSmallPut;
        long rawSmallGet;
        try (org.jclouds.blobstore.BlobStoreContext client = bareClient(endpoint, 4)) {
            org.jclouds.blobstore.BlobStore raw = client.getBlobStore();
            rawSmallPut = time(() -> {
                for (Path f : smallList) {
                    raw.putBlob(
                            "bench",
                            raw.blobBuilder("raw-small/" + small.relativize(f))
                                    .payload(f.toFile())
                                    .build());
                }
            });
            rawSmallGet = time(() -> {
                for (Path f : smallList) {
                    try (java.io.InputStream in = raw.getBlob("bench", "raw-small/" + small.relativize(f))
                            .getPayload()
                            .openStream()) {
                        in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                }
            });
        }
        try (Filers filers = Filers.load(name -> context(name, name.equals("jclouds") ? settings : Map.of()));
                StagingService staging = new StagingService(filers)) {
            Path smallWs = work.resolve("ws-s3-small");
            copyTree(small, smallWs.resolve("in/small"));
            long smallUp = time(() -> staging.stageOut(
                    spec(
                            List.of(),
                            List.of(new OutputSpec(
                                    Optional.empty(),
                                    "s3://bench/small",
                                    "/in/small",
                                    Optional.empty(),
                                    FileType.DIRECTORY))),
                    smallWs));
            delete(smallWs);
            long smallDown = time(() ->
                    stageIn(staging, List.of(input("s3://bench/small", "/in/small", FileType.DIRECTORY)), smallWs));
            delete(smallWs);
            row.accept("staging", new String[] {
                "S3 (S3Proxy), " + smallFiles + " files of 4 KiB (DIRECTORY)",
                String.format(Locale.ROOT, "stage-in %,.0f files/s", smallFiles / (smallDown / 1e9)),
                String.format(Locale.ROOT, "stage-out %,.0f files/s", smallFiles / (smallUp / 1e9)),
                String.format(
                        Locale.ROOT,
                        "bare jclouds client, v4, one by one: get %,.0f files/s, put %,.0f files/s",
                        smallFiles / (rawSmallGet / 1e9),
                        smallFiles / (rawSmallPut / 1e9)),
                pct(rawSmallGet, smallDown) + " / " + pct(rawSmallPut, smallUp) + " of the bare client"
            });
        }
    }

    /** A bare jclouds S3 client for {@code endpoint}: path-style, the given signature version. */
    private static org.jclouds.blobstore.BlobStoreContext bareClient(String endpoint, int signature) {
        java.util.Properties cp = new java.util.Properties();
        cp.setProperty("jclouds.s3.virtual-host-buckets", "false");
        cp.setProperty("jclouds.s3.signer-version", Integer.toString(signature));
        return org.jclouds.ContextBuilder.newBuilder("s3")
                .endpoint(endpoint)
                .credentials("bench", "bench-secret")
                .overrides(cp)
                .buildView(org.jclouds.blobstore.BlobStoreContext.class);
    }

    private static Map<String, String> with(Map<String, String> m, String key, String value) {
        Map<String, String> copy = new java.util.HashMap<>(m);
        copy.put(key, value);
        return copy;
    }

    private ProviderContext context(String name, Map<String, String> settings) {
        return new ProviderContext() {
            @Override
            public ProviderConfig config() {
                return ProviderConfig.of("ergon.filer." + name + ".", settings);
            }

            @Override
            public Path dataDir() {
                return work;
            }
        };
    }

    private static InputSpec input(String url, String path, FileType type) {
        return new InputSpec(Optional.empty(), Optional.of(url), path, type, Optional.empty(), false);
    }

    private static void stageIn(StagingService s, List<InputSpec> inputs, Path ws) {
        s.stageIn(spec(inputs, List.of()), ws);
    }

    private static void stageOut(StagingService s, Path file, Path ws, String url) {
        // file is the source the workspace copy came from; the output is read from the workspace
        s.stageOut(
                spec(
                        List.of(),
                        List.of(new OutputSpec(Optional.empty(), url, "/in/big.bin", Optional.empty(), FileType.FILE))),
                ws);
    }

    private static TaskSpec spec(List<InputSpec> inputs, List<OutputSpec> outputs) {
        return new TaskSpec(
                "bench",
                Optional.empty(),
                List.of(new dev.ergon.spi.ExecutorSpec(
                        "x",
                        List.of("true"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Map.of(),
                        false)),
                inputs,
                outputs,
                List.of(),
                ResourceSpec.none(),
                Map.of(),
                Optional.empty());
    }

    interface IoRun {
        void run() throws IOException;
    }

    /**
     * Times {@code r} after flushing dirty pages ({@code sync}), so no measurement pays for the
     * write-back of the one before it.
     */
    private static long time(IoRun r) throws IOException {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long t = System.nanoTime();
        r.run();
        return System.nanoTime() - t;
    }

    private static void writeRandom(Path p, long bytes) throws IOException {
        byte[] buf = new byte[1 << 20];
        new Random(42).nextBytes(buf);
        try (OutputStream out = Files.newOutputStream(p)) {
            for (long done = 0; done < bytes; done += buf.length) {
                buf[0]++;
                out.write(buf, 0, (int) Math.min(buf.length, bytes - done));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            Path t = to.resolve(from.relativize(f));
            Files.createDirectories(t.getParent());
            Files.copy(f, t);
        }
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    private static String mib(long b) {
        return String.format(Locale.ROOT, "%,d MiB", b >> 20);
    }

    private static String mbps(long bytes, long nanos) {
        return String.format(Locale.ROOT, "%,.0f MB/s", bytes / 1e6 / (nanos / 1e9));
    }

    private static String pct(long rawNanos, long nanos) {
        return String.format(Locale.ROOT, "%.0f%%", 100.0 * rawNanos / nanos);
    }
}
