package dev.ergon.staging;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.FileType;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import dev.ergon.spi.InputSpec;
import dev.ergon.spi.OutputSpec;
import dev.ergon.spi.TaskSpec;
import dev.ergon.spi.WorkspacePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Stages a TES task's inputs into its workspace and its outputs out of it, through the {@link
 * Filers} of the process. A container path {@code /a/b} lives at {@link
 * WorkspacePaths#resolve(Path, String) workspace/a/b}.
 *
 * <p>One worker pool, shared by every task of the process, bounds how many transfers run at
 * once; the transfers of one task run in parallel on it. A transfer that fails with a retryable
 * error ({@link ErrorKind#BACKEND_UNAVAILABLE}) is retried up to {@value #MAX_RETRIES} times
 * with exponential backoff starting at 200 ms; any other failure, or the last retry's, stops the
 * task's staging: transfers not started are skipped, running ones are interrupted, and the call
 * throws an {@link ErgonException} naming the field, the URL (redacted) and the reason. The
 * caller turns it into the task's {@code SYSTEM_ERROR}.
 *
 * <p>Thread-safe. Does not close the {@link Filers}; {@link #close()} stops the pool.
 */
public final class StagingService implements AutoCloseable {
    /** Transfers run at once when no concurrency is given. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** Retries of a transfer that failed with a retryable error. */
    public static final int MAX_RETRIES = 3;

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final System.Logger LOG = System.getLogger(StagingService.class.getName());
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Filers filers;
    private final ThreadPoolExecutor pool;

    /** A service running {@value #DEFAULT_CONCURRENCY} transfers at once. */
    public StagingService(Filers filers) {
        this(filers, DEFAULT_CONCURRENCY);
    }

    /**
     * @param concurrency how many transfers run at once, over all tasks of the process
     */
    public StagingService(Filers filers, int concurrency) {
        this.filers = requireNonNull(filers, "filers is null");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        this.pool = new ThreadPoolExecutor(
                concurrency, concurrency, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads());
    }

    /**
     * Checks every input and output of {@code spec} before anything is transferred: paths
     * absolute and inside the task's file system; inputs with exactly one of url and content;
     * URLs absolute, of a scheme some filer serves with the capability needed (READ for inputs,
     * LIST too for DIRECTORY inputs, WRITE for outputs); wildcard outputs with a path_prefix.
     *
     * @throws ErgonException INVALID_INPUT naming the field, e.g. {@code inputs[2].url}
     */
    public void validate(TaskSpec spec) {
        validateInputs(spec);
        validateOutputs(spec);
    }

    private void validateInputs(TaskSpec spec) {
        requireNonNull(spec, "spec is null");
        Map<String, String> inputPaths = new HashMap<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            String f = "inputs[" + i + "]";
            String path = checkPath(in.path(), f + ".path");
            String other = inputPaths.putIfAbsent(path, f);
            if (other != null) {
                throw ErgonException.invalid(f + ".path", "'" + in.path() + "' is also the path of " + other);
            }
            boolean hasUrl = in.url().isPresent();
            boolean hasContent = in.content().isPresent();
            if (hasUrl && hasContent) {
                throw ErgonException.invalid(f + ".content", "set either url or content, not both");
            }
            if (!hasUrl && !hasContent) {
                throw ErgonException.invalid(f + ".url", "required unless content is set");
            }
            if (hasContent) {
                if (in.type() == FileType.DIRECTORY) {
                    throw ErgonException.invalid(f + ".type", "an input with content is a FILE, not a DIRECTORY");
                }
                continue;
            }
            URI url = parseUrl(f + ".url", in.url().get(), true);
            filers.require(url, FilerCapability.READ, f + ".url");
            if (in.type() == FileType.DIRECTORY) {
                filers.require(url, FilerCapability.LIST, f + ".url");
            }
        }
    }

    private void validateOutputs(TaskSpec spec) {
        requireNonNull(spec, "spec is null");
        for (int i = 0; i < spec.outputs().size(); i++) {
            OutputSpec out = spec.outputs().get(i);
            String f = "outputs[" + i + "]";
            String path = checkPath(out.path(), f + ".path");
            URI url = parseUrl(f + ".url", out.url(), false);
            filers.require(url, FilerCapability.WRITE, f + ".url");
            if ((out.isWildcard() || out.type() == FileType.DIRECTORY) && url.getRawQuery() != null) {
                throw ErgonException.invalid(
                        f + ".url",
                        "a DIRECTORY or wildcard output needs a URL without a query: file paths are appended to it");
            }
            if (out.isWildcard()) {
                String prefix = out.pathPrefix()
                        .orElseThrow(() ->
                                ErgonException.invalid(f + ".path_prefix", "required when path contains wildcards"));
                String literal = path.substring(0, firstWildcard(path));
                if (!literal.startsWith(prefix)) {
                    throw ErgonException.invalid(
                            f + ".path_prefix",
                            "'" + prefix + "' is not a prefix of path '" + out.path() + "' before its first wildcard");
                }
            }
        }
    }

    /**
     * Places every input of {@code spec} at its path in {@code workspace}: inline content as a
     * file, a FILE url downloaded, a DIRECTORY url listed and each object downloaded to the
     * input's path plus the object's path relative to the url. Validates the inputs first.
     *
     * @throws ErgonException on the first input that cannot be staged, naming its field and URL
     */
    public void stageIn(TaskSpec spec, Path workspace) {
        validateInputs(spec);
        requireNonNull(workspace, "workspace is null");
        long start = System.nanoTime();
        try {
            Files.createDirectories(workspace);
        } catch (IOException e) {
            throw new ErgonException(
                    ErrorKind.INTERNAL, "cannot create the workspace of task " + spec.taskId() + ": " + e, e);
        }
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < spec.inputs().size(); i++) {
            InputSpec in = spec.inputs().get(i);
            String f = "inputs[" + i + "]";
            Path target = WorkspacePaths.resolve(workspace, in.path());
            if (in.content().isPresent()) {
                byte[] bytes = in.content().get().getBytes(StandardCharsets.UTF_8);
                transfers.add(new Transfer(f + ".content", "write the content to " + in.path(), () -> {
                    try {
                        return LocalFiles.writeReplacing(bytes, target);
                    } catch (IOException e) {
                        throw new ErgonException(ErrorKind.INTERNAL, e.toString(), e);
                    }
                }));
                continue;
            }
            URI url = parseUrl(f + ".url", in.url().orElseThrow(), true);
            Filer filer = filers.require(url, FilerCapability.READ, f + ".url");
            if (in.type() == FileType.FILE) {
                transfers.add(new Transfer(
                        f + ".url",
                        "download '" + Urls.redact(url) + "' to " + in.path(),
                        () -> filer.download(url, target)));
                continue;
            }
            URI base = URI.create(Urls.stripTrailingSlashes(url.toString()));
            String what = "list '" + Urls.redact(base) + "'";
            List<FileStat> objects = retrying(f + ".url", what, () -> filer.list(base));
            try {
                Files.createDirectories(target);
            } catch (IOException e) {
                throw new ErgonException(
                        ErrorKind.INTERNAL, f + ".path", f + ".path: cannot create " + in.path() + ": " + e, e);
            }
            for (FileStat object : objects) {
                String rel = relativePath(base, object.uri());
                if (rel == null) {
                    throw new ErgonException(
                            ErrorKind.INTERNAL,
                            f + ".url",
                            f + ".url: the filer listed '" + Urls.redact(object.uri()) + "', which is not under '"
                                    + Urls.redact(base) + "'",
                            null);
                }
                if (rel.isEmpty() || rel.endsWith("/")) {
                    continue; // a folder marker object
                }
                Path dest = target.resolve(rel).normalize();
                if (!dest.startsWith(target)) {
                    throw ErgonException.invalid(
                            f + ".url",
                            "object '" + Urls.redact(object.uri()) + "' would be placed outside " + in.path());
                }
                String containerPath = Urls.stripTrailingSlashes(in.path()) + "/" + rel;
                transfers.add(new Transfer(
                        f + ".url",
                        "download '" + Urls.redact(object.uri()) + "' of directory '" + Urls.redact(url) + "' to "
                                + containerPath,
                        () -> filer.download(object.uri(), dest)));
            }
        }
        runAll(spec.taskId(), "stage-in", transfers);
        LOG.log(
                Level.DEBUG,
                () -> "Staged in " + transfers.size() + " file(s) of task " + spec.taskId() + " in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    /**
     * Uploads every output of {@code spec} from {@code workspace}: a FILE output's file; every
     * regular file under a DIRECTORY output, to {@code url + "/" + its relative path}; for a
     * wildcard path every match, to {@code url + "/" + (match minus path_prefix)} (a matched
     * folder is uploaded like a DIRECTORY output; no match is not an error). Files reached
     * through a symbolic link pointing outside the workspace are never uploaded. Validates the
     * outputs first.
     *
     * @return one entry per uploaded file, in the order of the outputs
     * @throws ErgonException on the first output that cannot be staged, e.g. NOT_FOUND naming the
     *     container path of a missing FILE output
     */
    public List<OutputFileLog> stageOut(TaskSpec spec, Path workspace) {
        validateOutputs(spec);
        requireNonNull(workspace, "workspace is null");
        long start = System.nanoTime();
        Path root = realPath(workspace);
        List<Transfer> transfers = new ArrayList<>();
        List<OutputFileLog> planned = new ArrayList<>();
        for (int i = 0; i < spec.outputs().size(); i++) {
            OutputSpec out = spec.outputs().get(i);
            String f = "outputs[" + i + "]";
            URI url = parseUrl(f + ".url", out.url(), false);
            Filer filer = filers.require(url, FilerCapability.WRITE, f + ".url");
            Uploads uploads = new Uploads(f, filer, root, transfers, planned);
            if (out.isWildcard()) {
                String prefix = out.pathPrefix().orElseThrow();
                List<String> matches;
                try {
                    String pattern = normalize(out.path()) + (out.path().endsWith("/") ? "/" : "");
                    matches = Glob.expand(root, pattern);
                } catch (UncheckedIOException e) {
                    throw new ErgonException(
                            ErrorKind.INTERNAL,
                            f + ".path",
                            f + ".path: cannot expand '" + out.path() + "': " + e.getCause(),
                            e);
                }
                for (String match : matches) {
                    if (!match.startsWith(prefix)) {
                        throw ErgonException.invalid(
                                f + ".path_prefix",
                                "'" + prefix + "' is not a prefix of the matched path '" + match + "'");
                    }
                    String rel = stripLeadingSlashes(match.substring(prefix.length()));
                    URI target = rel.isEmpty() ? url : Urls.child(out.url(), rel);
                    Path host = WorkspacePaths.resolve(root, match);
                    if (!isInside(root, host)) {
                        LOG.log(
                                Level.WARNING,
                                "Task {0}: not uploading {1}: it links outside the task''s file system",
                                spec.taskId(),
                                match);
                    } else if (Files.isDirectory(host)) {
                        uploads.tree(host, match, target.toString());
                    } else if (Files.isRegularFile(host)) {
                        uploads.file(host, match, target);
                    }
                }
                continue;
            }
            Path host = WorkspacePaths.resolve(root, out.path());
            if (!Files.exists(host)) {
                throw new ErgonException(
                        ErrorKind.NOT_FOUND, f + ".path", f + ".path: '" + out.path() + "' does not exist", null);
            }
            if (!isInside(root, host)) {
                throw ErgonException.invalid(f + ".path", "'" + out.path() + "' links outside the task's file system");
            }
            if (out.type() == FileType.DIRECTORY) {
                if (!Files.isDirectory(host)) {
                    throw ErgonException.invalid(f + ".path", "'" + out.path() + "' is a file, not a DIRECTORY");
                }
                uploads.tree(host, normalize(out.path()), out.url());
            } else {
                if (!Files.isRegularFile(host)) {
                    throw ErgonException.invalid(
                            f + ".path",
                            "'" + out.path() + "' is not a regular file; declare type DIRECTORY for a folder");
                }
                uploads.file(host, out.path(), url);
            }
        }
        long[] sizes = runAll(spec.taskId(), "stage-out", transfers);
        List<OutputFileLog> logs = new ArrayList<>(planned.size());
        for (int i = 0; i < planned.size(); i++) {
            OutputFileLog p = planned.get(i);
            logs.add(new OutputFileLog(p.url(), p.path(), sizes[i]));
        }
        LOG.log(
                Level.DEBUG,
                () -> "Staged out " + logs.size() + " file(s) of task " + spec.taskId() + " in "
                        + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        return List.copyOf(logs);
    }

    /** Stops the worker pool: waits briefly for running transfers, then interrupts them. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (pool.awaitTermination(10, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable never : pool.shutdownNow()) {
            if (never instanceof Worker w) {
                w.neverRan();
            }
        }
    }

    /** Adds the uploads of one output. */
    private record Uploads(
            String field, Filer filer, Path root, List<Transfer> transfers, List<OutputFileLog> planned) {
        void file(Path host, String containerPath, URI target) {
            transfers.add(new Transfer(
                    field + ".url",
                    "upload " + containerPath + " to '" + Urls.redact(target) + "'",
                    () -> filer.upload(host, target)));
            planned.add(new OutputFileLog(target.toString(), containerPath, 0));
        }

        /** Every regular file under {@code hostDir}, without following links out of the workspace. */
        void tree(Path hostDir, String containerDir, String baseUrl) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(hostDir)) {
                files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                || (Files.isSymbolicLink(p) && Files.isRegularFile(p) && isInside(root, p)))
                        .sorted()
                        .toList();
            } catch (IOException | UncheckedIOException e) {
                throw new ErgonException(
                        ErrorKind.INTERNAL,
                        field + ".path",
                        field + ".path: cannot read " + containerDir + ": " + e,
                        e);
            }
            for (Path p : files) {
                String rel = slashPath(hostDir.relativize(p));
                file(p, Urls.stripTrailingSlashes(containerDir) + "/" + rel, Urls.child(baseUrl, rel));
            }
        }
    }

    /** One transfer: {@code action} says what it does, for messages; {@code field} whose it is. */
    private record Transfer(String field, String action, LongSupplier op) {
        long run() {
            return retrying(field, action, op::getAsLong);
        }
    }

    /**
     * Runs {@code call}, retrying a retryable failure up to {@value #MAX_RETRIES} times with
     * exponential backoff; the final failure names {@code field} and says what could not be done.
     */
    private static <T> T retrying(String field, String action, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (ErgonException e) {
                if (!e.kind().retryable()
                        || attempt > MAX_RETRIES
                        || Thread.currentThread().isInterrupted()) {
                    throw failure(field, action, e, e.kind(), attempt);
                }
                long delay = FIRST_BACKOFF.toMillis() << (attempt - 1);
                LOG.log(
                        Level.INFO,
                        "{0}: cannot {1} (attempt {2} of {3}), retrying in {4} ms: {5}",
                        field,
                        action,
                        attempt,
                        MAX_RETRIES + 1,
                        delay,
                        Urls.redact(String.valueOf(e.getMessage())));
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw failure(field, action, e, e.kind(), attempt);
                }
            } catch (RuntimeException e) {
                throw failure(field, action, e, ErrorKind.INTERNAL, attempt);
            }
        }
    }

    private static ErgonException failure(
            String field, String action, RuntimeException e, ErrorKind kind, int attempts) {
        String reason = e instanceof ErgonException ? e.getMessage() : e.toString();
        String message = field + ": cannot " + action + ": " + Urls.redact(String.valueOf(reason))
                + (attempts > 1 ? " (gave up after " + attempts + " attempts)" : "");
        return new ErgonException(kind, field, message, e);
    }

    /** Runs {@code transfers} on the pool and waits for all; the first failure stops the rest. */
    private long[] runAll(String taskId, String phase, List<Transfer> transfers) {
        long[] results = new long[transfers.size()];
        if (transfers.isEmpty()) {
            return results;
        }
        Batch batch = new Batch(transfers.size());
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < transfers.size(); i++) {
            workers.add(new Worker(batch, transfers.get(i), results, i));
        }
        batch.workers = List.copyOf(workers);
        for (Worker w : workers) {
            try {
                pool.execute(w);
            } catch (RejectedExecutionException e) {
                w.neverRan();
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                batch.done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                batch.fail(new ErgonException(ErrorKind.INTERNAL, phase + " of task " + taskId + " was interrupted"));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        ErgonException failure = batch.failure.get();
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    /** The transfers of one call: counts them down and stops them all on the first failure. */
    private static final class Batch {
        final CountDownLatch done;
        final AtomicReference<ErgonException> failure = new AtomicReference<>();
        volatile List<Worker> workers = List.of();

        Batch(int n) {
            done = new CountDownLatch(n);
        }

        void fail(ErgonException e) {
            if (failure.compareAndSet(null, e)) {
                workers.forEach(Worker::abort);
            }
        }
    }

    /** Runs one transfer on a pool thread; {@link #abort} skips or interrupts it. */
    private static final class Worker implements Runnable {
        private final Batch batch;
        private final Transfer transfer;
        private final long[] results;
        private final int index;
        private Thread thread; // guarded by this
        private boolean aborted; // guarded by this

        Worker(Batch batch, Transfer transfer, long[] results, int index) {
            this.batch = batch;
            this.transfer = transfer;
            this.results = results;
            this.index = index;
        }

        @Override
        public void run() {
            try {
                synchronized (this) {
                    if (aborted) {
                        return;
                    }
                    thread = Thread.currentThread();
                }
                try {
                    results[index] = transfer.run();
                } catch (ErgonException e) {
                    batch.fail(e);
                } catch (RuntimeException | Error e) {
                    batch.fail(
                            new ErgonException(ErrorKind.INTERNAL, transfer.field(), transfer.field() + ": " + e, e));
                    if (e instanceof Error err) {
                        throw err;
                    }
                } finally {
                    synchronized (this) {
                        thread = null;
                    }
                    // An abort aimed at this transfer must not reach the pool thread's next one.
                    Thread.interrupted();
                }
            } finally {
                batch.done.countDown();
            }
        }

        synchronized void abort() {
            aborted = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        /** The pool refused or dropped this worker. */
        void neverRan() {
            batch.fail(new ErgonException(ErrorKind.INTERNAL, transfer.field() + ": the staging service is closed"));
            batch.done.countDown();
        }
    }

    /**
     * The normalised container path, checked to be absolute and inside the task's file system.
     *
     * @throws ErgonException INVALID_INPUT naming {@code field}
     */
    private static String checkPath(String path, String field) {
        if (path == null || !path.startsWith("/")) {
            throw ErgonException.invalid(field, "'" + path + "' must be an absolute container path");
        }
        try {
            WorkspacePaths.resolve(Path.of("/ergon-workspace"), path);
        } catch (ErgonException e) {
            throw ErgonException.invalid(field, "'" + path + "' escapes the task's file system");
        } catch (InvalidPathException e) {
            throw ErgonException.invalid(field, "'" + path + "' is not a valid path: " + e.getReason());
        }
        String normal = normalize(path);
        if (normal.equals("/")) {
            throw ErgonException.invalid(field, "'" + path + "' is the root; name a file or folder below it");
        }
        return normal;
    }

    /** {@code path} with {@code .}, {@code ..} and repeated slashes resolved; absolute in, absolute out. */
    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static int firstWildcard(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return i;
            }
        }
        return path.length();
    }

    /**
     * {@code value} as an absolute URL. With {@code barePath}, an absolute path such as {@code
     * /data/x} is read as {@code file:///data/x} (TES allows it for inputs).
     */
    private static URI parseUrl(String field, String value, boolean barePath) {
        if (value.isBlank()) {
            throw ErgonException.invalid(field, "must not be blank");
        }
        try {
            if (barePath && value.startsWith("/")) {
                return new URI("file", "", value, null);
            }
            URI u = new URI(value);
            if (!u.isAbsolute()) {
                throw ErgonException.invalid(
                        field,
                        "'" + Urls.redact(value) + "' is not an absolute URL (expected e.g. s3://bucket/key,"
                                + " https://host/path or file:///path)");
            }
            return u;
        } catch (URISyntaxException e) {
            throw ErgonException.invalid(field, "'" + Urls.redact(value) + "' is not a valid URL: " + e.getReason());
        }
    }

    /** The path of {@code object} below {@code base} (decoded, slash-separated), or null if it is not below. */
    private static String relativePath(URI base, URI object) {
        String basePath = base.getPath() == null ? "" : Urls.stripTrailingSlashes(base.getPath());
        String path = object.getPath();
        if (path == null || !path.startsWith(basePath + "/")) {
            return null;
        }
        return path.substring(basePath.length() + 1);
    }

    private static String stripLeadingSlashes(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '/') {
            i++;
        }
        return s.substring(i);
    }

    private static String slashPath(Path relative) {
        StringBuilder sb = new StringBuilder();
        for (Path part : relative) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static Path realPath(Path workspace) {
        try {
            return workspace.toRealPath();
        } catch (IOException e) {
            // No workspace: every FILE or DIRECTORY output is then missing, which is reported per output.
            return workspace.toAbsolutePath().normalize();
        }
    }

    /** Whether {@code p}, links resolved, lies inside {@code root} (a real path). */
    private static boolean isInside(Path root, Path p) {
        try {
            return p.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    private static ThreadFactory threads() {
        int poolId = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "ergon-staging-" + poolId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
