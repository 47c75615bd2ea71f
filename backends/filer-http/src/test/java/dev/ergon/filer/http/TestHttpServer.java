package dev.ergon.filer.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 for tests. Paths:
 *
 * <ul>
 *   <li>{@code /files/…}: GET and HEAD serve {@link #files}, PUT stores into it;
 *   <li>{@code /auth/…}: like {@code /files/} but only with Basic {@code user:s3cret};
 *   <li>{@code /status/<code>/…}: answers with that status;
 *   <li>{@code /redirect/…}: 302 to {@code /files/…};
 *   <li>{@code /redirect-to/<port>/…}: 302 to {@code http://127.0.0.1:<port>/…} (another origin);
 *   <li>{@code /slow/…}: answers after 3 s;
 *   <li>{@code /flaky/<n>/…}: serves {@code /files/…}, but the first n GETs of each path send
 *       half the body and drop the connection; honours {@code Range};
 *   <li>{@code /unavailable/<n>/…}: the first n requests of each path get 503, then like
 *       {@code /files/…}.
 * </ul>
 * {@code /files/…} honours {@code Range: bytes=N-} with 206.
 */
final class TestHttpServer implements AutoCloseable {
    static final String GOOD_AUTH =
            "Basic " + Base64.getEncoder().encodeToString("user:s3cret".getBytes(StandardCharsets.UTF_8));

    /** Stored objects by raw request path, e.g. {@code /files/a.txt}. */
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    /** How many 206 responses were sent. */
    final java.util.concurrent.atomic.AtomicInteger ranged = new java.util.concurrent.atomic.AtomicInteger();
    /** Every request received. */
    final List<Request> requests = new CopyOnWriteArrayList<>();

    private final Map<String, java.util.concurrent.atomic.AtomicInteger> failures = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    record Request(String method, String path, Optional<String> authorization) {}

    TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port());
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            Optional<String> auth = Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization"));
            requests.add(new Request(ex.getRequestMethod(), path, auth));
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.startsWith("/status/")) {
                empty(ex, Integer.parseInt(path.split("/")[2]));
            } else if (path.startsWith("/redirect/")) {
                ex.getResponseHeaders().set("Location", "/files/" + path.substring("/redirect/".length()));
                empty(ex, 302);
            } else if (path.startsWith("/redirect-to/")) {
                String[] parts = path.split("/", 4);
                ex.getResponseHeaders().set("Location", "http://127.0.0.1:" + parts[2] + "/" + parts[3]);
                empty(ex, 302);
            } else if (path.startsWith("/slow/")) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    return;
                }
                empty(ex, 200);
            } else if (path.startsWith("/flaky/") || path.startsWith("/unavailable/")) {
                String[] parts = path.split("/", 4);
                int n = Integer.parseInt(parts[2]);
                String file = "/files/" + parts[3];
                int seen = failures.computeIfAbsent(path, k -> new java.util.concurrent.atomic.AtomicInteger())
                        .getAndIncrement();
                if (seen < n && path.startsWith("/unavailable/")) {
                    empty(ex, 503);
                } else if (seen < n && ex.getRequestMethod().equals("GET")) {
                    byte[] b = files.get(file);
                    ex.getResponseHeaders().set("Accept-Ranges", "bytes");
                    ex.sendResponseHeaders(200, b.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(b, 0, b.length / 2);
                    out.flush();
                    // drop the connection mid-body
                    ex.getHttpContext().getServer();
                    throw new IOException("dropping the connection on purpose");
                } else {
                    serve(ex, file, body);
                }
            } else if (path.startsWith("/auth/") && !auth.equals(Optional.of(GOOD_AUTH))) {
                empty(ex, 401);
            } else if (path.startsWith("/files/") || path.startsWith("/auth/")) {
                serve(ex, path, body);
            } else {
                empty(ex, 404);
            }
        }
    }

    private void serve(HttpExchange ex, String path, byte[] body) throws IOException {
        switch (ex.getRequestMethod()) {
            case "PUT" -> {
                files.put(path, body);
                empty(ex, 201);
            }
            case "GET", "HEAD" -> {
                byte[] b = files.get(path);
                if (b == null) {
                    empty(ex, 404);
                    return;
                }
                String etag = "\"" + Integer.toHexString(Arrays.hashCode(b)) + "\"";
                ex.getResponseHeaders().set("ETag", etag);
                ex.getResponseHeaders().set("Accept-Ranges", "bytes");
                String range = ex.getRequestHeaders().getFirst("Range");
                String ifRange = ex.getRequestHeaders().getFirst("If-Range");
                if (range != null
                        && range.startsWith("bytes=")
                        && range.endsWith("-")
                        && ex.getRequestMethod().equals("GET")
                        && (ifRange == null || ifRange.equals(etag))) {
                    int from = Integer.parseInt(range.substring(6, range.length() - 1));
                    ranged.incrementAndGet();
                    ex.getResponseHeaders()
                            .set("Content-Range", "bytes " + from + "-" + (b.length - 1) + "/" + b.length);
                    ex.sendResponseHeaders(206, b.length - from);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(b, from, b.length - from);
                    }
                    return;
                }
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Length", Integer.toString(b.length));
                    ex.sendResponseHeaders(200, -1);
                } else if (b.length == 0) {
                    ex.sendResponseHeaders(200, -1);
                } else {
                    ex.sendResponseHeaders(200, b.length);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(b);
                    }
                }
            }
            default -> empty(ex, 405);
        }
    }

    private static void empty(HttpExchange ex, int status) throws IOException {
        ex.sendResponseHeaders(status, -1);
    }
}
