package dev.ergon.filer.http;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import dev.ergon.spi.FileStat;
import dev.ergon.spi.Filer;
import dev.ergon.spi.FilerCapability;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Serves {@code http://} and {@code https://} URLs with the JDK's HTTP client: download by GET,
 * {@link #stat} by HEAD ({@code Content-Length}, {@code ETag}), upload by PUT. Both directions
 * stream between the network and a file; a download lands in a temporary file beside the
 * target that is moved into place only when complete. Redirects are followed (never from https
 * to http). HTTP servers cannot be listed, so there is no {@link FilerCapability#LIST}.
 *
 * <p>Credentials in a URL ({@code https://user:pass@host/…}) are sent as HTTP Basic
 * authentication to that URL's origin only (dropped when a redirect leads elsewhere), and are
 * never logged or put in a message: messages show {@code https://***@host/…}, and query values
 * (pre-signed URLs carry signatures there) as {@code ***}.
 *
 * <p>Errors: 404/410 {@link ErrorKind#NOT_FOUND}; 401/403 {@link ErrorKind#INVALID_INPUT}
 * ("access denied"); 408, 429, 5xx, timeouts and I/O errors {@link
 * ErrorKind#BACKEND_UNAVAILABLE} (retryable); other statuses {@link ErrorKind#INVALID_INPUT}.
 * Thread-safe.
 */
public final class HttpFiler implements Filer {
    private static final System.Logger LOG = System.getLogger(HttpFiler.class.getName());
    private static final int MAX_REDIRECTS = 5;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final String USER_AGENT = "ergon-filer-http";
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\\s]*@");
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*=)[^&#\\s]*");

    private final HttpFilerConfig config;
    private final HttpClient client;
    private final Object lock = new Object();
    private HttpClient withCredentialsClient; // guarded by lock; created on first use

    /** A filer with the default timeouts. */
    public HttpFiler() {
        this(HttpFilerConfig.defaults());
    }

    public HttpFiler(HttpFilerConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.client = newClient(HttpClient.Redirect.NORMAL);
    }

    @Override
    public Set<String> schemes() {
        return Set.of("http", "https");
    }

    @Override
    public Set<FilerCapability> capabilities() {
        return EnumSet.of(FilerCapability.READ, FilerCapability.WRITE);
    }

    @Override
    public Optional<FileStat> stat(URI uri) {
        Target t = target(uri);
        HttpResponse<Void> r = send(t, "HEAD", null, BodyHandlers.discarding());
        int status = r.statusCode();
        if (status == 404 || status == 410) {
            return Optional.empty();
        }
        if (!success(status)) {
            throw statusError(t, "HEAD", status);
        }
        // A server that sends no Content-Length for HEAD leaves the size unknown: -1.
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        return Optional.of(new FileStat(uri, size, r.headers().firstValue("ETag")));
    }

    @Override
    public long download(URI source, Path target) {
        Target t = target(source);
        requireNonNull(target, "target is null");
        Path tmp;
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.isDirectory(target)) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT, t.shown() + ": cannot download to " + target + ", a directory");
            }
            tmp = Files.createTempFile(dir, ".ergon-", ".part");
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, t.shown() + ": cannot write beside " + target + ": " + e, e);
        }
        boolean moved = false;
        try {
            long size = fetch(t, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            return size;
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, t.shown() + ": cannot write " + target + ": " + e, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the error that brought us here is what the caller reports
                }
            }
        }
    }

    /**
     * GETs {@code t} into {@code file}, streaming. A connection that drops mid-body, a timeout, 408,
     * 429 or 5xx is retried with exponential backoff; after a drop the download resumes with
     * {@code Range: bytes=N-} (and {@code If-Range} on the ETag) when the server offered ranges,
     * and starts over when it answers 200 instead of 206.
     *
     * @return the bytes written
     */
    private long fetch(Target t, Path file) throws IOException {
        long written = 0;
        Optional<String> etag = Optional.empty();
        boolean ranges = false;
        ErgonException last = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                backoff(attempt, t);
            }
            List<String> headers = new ArrayList<>();
            boolean resuming = written > 0 && ranges;
            if (resuming) {
                headers.addAll(List.of("Range", "bytes=" + written + "-"));
                etag.ifPresent(e -> headers.addAll(List.of("If-Range", e)));
            }
            HttpResponse<InputStream> r;
            try {
                r = send(
                        t,
                        "GET",
                        null,
                        info -> success(info.statusCode())
                                ? BodySubscribers.ofInputStream()
                                : BodySubscribers.replacing(InputStream.nullInputStream()),
                        headers);
            } catch (ErgonException e) {
                if (e.kind() != ErrorKind.BACKEND_UNAVAILABLE) {
                    throw e;
                }
                last = e;
                continue;
            }
            int status = r.statusCode();
            if (!success(status)) {
                ErgonException e = statusError(t, "GET", status);
                if (e.kind() != ErrorKind.BACKEND_UNAVAILABLE) {
                    throw e;
                }
                last = e;
                continue;
            }
            boolean append = resuming && status == 206;
            if (!append) {
                written = 0; // a full body: start over
            }
            etag = r.headers().firstValue("ETag");
            ranges = r.headers()
                            .firstValue("Accept-Ranges")
                            .map(v -> v.contains("bytes"))
                            .orElse(false)
                    || etag.isPresent();
            long expected = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            long before = written;
            try (InputStream in = r.body();
                    OutputStream out = Files.newOutputStream(
                            file,
                            append
                                    ? new StandardOpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND}
                                    : new StandardOpenOption[] {
                                        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING
                                    })) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    written += n;
                    if (config.maxBytes() > 0 && written > config.maxBytes()) {
                        throw new ErgonException(
                                ErrorKind.INVALID_INPUT,
                                t.shown() + ": larger than the " + config.maxBytes()
                                        + " bytes allowed (ergon.filer.http.max-bytes)");
                    }
                }
            } catch (IOException e) {
                last = new ErgonException(
                        ErrorKind.BACKEND_UNAVAILABLE,
                        t.shown() + ": connection lost after " + written + " bytes: " + redact(e.toString()),
                        e);
                LOG.log(Level.DEBUG, () -> "GET " + t.shown() + " dropped (" + e + "); retrying");
                continue;
            }
            if (expected >= 0 && written - before < expected) {
                last = new ErgonException(
                        ErrorKind.BACKEND_UNAVAILABLE,
                        t.shown() + ": body ended after " + (written - before) + " of " + expected + " bytes");
                continue;
            }
            return written;
        }
        throw new ErgonException(
                ErrorKind.BACKEND_UNAVAILABLE,
                last.getMessage() + " (gave up after " + (config.retries() + 1) + " attempts)",
                last);
    }

    private void backoff(int attempt, Target t) {
        long ms = config.retryBackoff().toMillis() << Math.min(attempt - 1, 10);
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(ErrorKind.INTERNAL, t.shown() + ": interrupted while waiting to retry", e);
        }
    }

    @Override
    public long upload(Path source, URI target) {
        Target t = target(target);
        requireNonNull(source, "source is null");
        BodyPublisher body;
        long size;
        try {
            size = Files.size(source);
            body = BodyPublishers.ofFile(source);
        } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw ErgonException.notFound("local file " + source + " does not exist");
        } catch (IOException e) {
            throw new ErgonException(ErrorKind.INTERNAL, "cannot read local file " + source + ": " + e, e);
        }
        ErgonException last = null;
        for (int attempt = 0; attempt <= config.retries(); attempt++) {
            if (attempt > 0) {
                backoff(attempt, t);
                try {
                    body = BodyPublishers.ofFile(source);
                } catch (FileNotFoundException e) {
                    throw ErgonException.notFound("local file " + source + " does not exist");
                }
            }
            try {
                HttpResponse<Void> r = send(t, "PUT", body, BodyHandlers.discarding());
                if (success(r.statusCode())) {
                    return size;
                }
                last = statusError(t, "PUT", r.statusCode());
            } catch (ErgonException e) {
                last = e;
            }
            if (last.kind() != ErrorKind.BACKEND_UNAVAILABLE) {
                throw last;
            }
        }
        throw new ErgonException(
                ErrorKind.BACKEND_UNAVAILABLE,
                last.getMessage() + " (gave up after " + (config.retries() + 1) + " attempts)",
                last);
    }

    /** Not supported: an HTTP server has no standard listing. */
    @Override
    public List<FileStat> list(URI prefix) {
        requireNonNull(prefix, "prefix is null");
        throw new ErgonException(
                ErrorKind.INVALID_INPUT,
                redact(prefix.toString()) + ": http(s) URLs cannot be listed; use a FILE input");
    }

    /** Stops accepting requests; transfers in flight finish. */
    @Override
    public void close() {
        client.shutdown();
        synchronized (lock) {
            if (withCredentialsClient != null) {
                withCredentialsClient.shutdown();
            }
        }
    }

    /**
     * {@code url} fit for a message or log line: user info and query values replaced by {@code
     * ***}. Works on unparsable URLs and on text containing URLs.
     */
    static String redact(String url) {
        String s = USER_INFO.matcher(url).replaceAll("$1***@");
        return QUERY_VALUE.matcher(s).replaceAll("$1***");
    }

    /** What to send where: the URL without user info, the Authorization header it implies. */
    private record Target(URI uri, Optional<String> authorization, String shown) {}

    private static Target target(URI uri) {
        requireNonNull(uri, "uri is null");
        String shown = redact(uri.toString());
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new ErgonException(ErrorKind.INVALID_INPUT, shown + ": not an http:// or https:// URL");
        }
        if (uri.isOpaque() || uri.getHost() == null) {
            throw new ErgonException(ErrorKind.INVALID_INPUT, shown + ": has no valid host name");
        }
        if (uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
            return new Target(uri, Optional.empty(), shown);
        }
        String authority = uri.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        URI clean = URI.create(scheme.toLowerCase(Locale.ROOT) + "://" + authority
                + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        Optional<String> authorization = Optional.ofNullable(uri.getUserInfo())
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        return new Target(clean, authorization, shown);
    }

    private <T> HttpResponse<T> send(Target t, String method, BodyPublisher body, BodyHandler<T> handler) {
        return send(t, method, body, handler, List.of());
    }

    /** One request; {@code headers} are name, value pairs. IO failures become BACKEND_UNAVAILABLE. */
    private <T> HttpResponse<T> send(
            Target t, String method, BodyPublisher body, BodyHandler<T> handler, List<String> headers) {
        try {
            HttpResponse<T> r = t.authorization().isEmpty()
                    ? client.send(request(t.uri(), method, body, Optional.empty(), headers), handler)
                    : sendWithCredentials(t, method, body, handler, headers);
            LOG.log(Level.DEBUG, () -> method + " " + t.shown() + " -> " + r.statusCode());
            return r;
        } catch (HttpTimeoutException e) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE, t.shown() + ": " + method + " timed out: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ErgonException(
                    ErrorKind.BACKEND_UNAVAILABLE, t.shown() + ": " + method + " failed: " + redact(e.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErgonException(ErrorKind.INTERNAL, t.shown() + ": " + method + " interrupted", e);
        } catch (IllegalArgumentException e) {
            throw new ErgonException(
                    ErrorKind.INVALID_INPUT, t.shown() + ": " + redact(String.valueOf(e.getMessage())), e);
        }
    }

    /**
     * Follows redirects by hand so the credentials go to their own origin only, and like {@link
     * HttpClient.Redirect#NORMAL} never from https to http.
     */
    private <T> HttpResponse<T> sendWithCredentials(
            Target t, String method, BodyPublisher body, BodyHandler<T> handler, List<String> headers)
            throws IOException, InterruptedException {
        URI current = t.uri();
        String m = method;
        BodyPublisher b = body;
        for (int hop = 0; ; hop++) {
            Optional<String> auth = sameOrigin(current, t.uri()) ? t.authorization() : Optional.empty();
            HttpResponse<T> r = redirectingByHand()
                    .send(
                            request(current, m, b, auth, headers),
                            info -> isRedirect(info) ? BodySubscribers.replacing(null) : handler.apply(info));
            Optional<String> location = r.headers().firstValue("Location");
            if (!REDIRECTS.contains(r.statusCode()) || location.isEmpty()) {
                return r;
            }
            if (hop >= MAX_REDIRECTS) {
                throw new ErgonException(
                        ErrorKind.INVALID_INPUT, t.shown() + ": more than " + MAX_REDIRECTS + " redirects");
            }
            URI next = current.resolve(location.get());
            if ("https".equalsIgnoreCase(current.getScheme()) && !"https".equalsIgnoreCase(next.getScheme())) {
                return r;
            }
            if (r.statusCode() == 303 && !m.equals("HEAD")) {
                m = "GET";
                b = null;
            }
            current = next;
        }
    }

    private HttpRequest request(
            URI uri, String method, BodyPublisher body, Optional<String> authorization, List<String> headers) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(uri).timeout(config.timeout()).header("User-Agent", USER_AGENT);
        authorization.ifPresent(a -> b.header("Authorization", a));
        for (int i = 0; i + 1 < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        return b.method(method, body == null ? BodyPublishers.noBody() : body).build();
    }

    private HttpClient redirectingByHand() {
        synchronized (lock) {
            if (withCredentialsClient == null) {
                withCredentialsClient = newClient(HttpClient.Redirect.NEVER);
            }
            return withCredentialsClient;
        }
    }

    private HttpClient newClient(HttpClient.Redirect redirect) {
        return HttpClient.newBuilder()
                .followRedirects(redirect)
                .connectTimeout(config.connectTimeout())
                .build();
    }

    private static boolean isRedirect(HttpResponse.ResponseInfo info) {
        return REDIRECTS.contains(info.statusCode())
                && info.headers().firstValue("Location").isPresent();
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static boolean success(int status) {
        return status >= 200 && status < 300;
    }

    private static ErgonException statusError(Target t, String method, int status) {
        String where = t.shown() + ": ";
        return switch (status) {
            case 404, 410 -> ErgonException.notFound(where + "not found (HTTP " + status + ")");
            case 401, 403 -> new ErgonException(ErrorKind.INVALID_INPUT, where + "access denied (HTTP " + status + ")");
            case 405 ->
                new ErgonException(
                        ErrorKind.INVALID_INPUT, where + "the server does not allow " + method + " (HTTP 405)");
            case 408, 429 ->
                new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, where + "server busy (HTTP " + status + ")");
            default ->
                status >= 500
                        ? new ErgonException(
                                ErrorKind.BACKEND_UNAVAILABLE,
                                where + "server error (HTTP " + status + ") on " + method)
                        : new ErgonException(
                                ErrorKind.INVALID_INPUT, where + "unexpected HTTP " + status + " on " + method);
        };
    }
}
