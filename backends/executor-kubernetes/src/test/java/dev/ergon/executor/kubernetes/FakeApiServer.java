package dev.ergon.executor.kubernetes;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The fake Kubernetes API server every Kubernetes test shares: fabric8's {@code
 * kubernetes-server-mock} in CRUD mode (a real in-memory store with label selectors, 404/409 and
 * optimistic concurrency) plus the shim that makes it speak what the official client needs
 * (docs: shared/notes/kubernetes.md §1b), on plain HTTP on loopback:
 *
 * <ul>
 *   <li><b>Watches</b> over chunked HTTP: every change the store makes is kept in an event log with
 *       increasing resourceVersions (a DELETED event gets a fresh one, as on a real server); a
 *       watch from resourceVersion R gets the matching events after R and then ends, after a short
 *       wait when there are none, so the client's reflector simply watches again (long-polling, no
 *       re-list). {@link #expireWatches()} compacts the log: a watch from before that point gets a
 *       {@code 410 Expired} ERROR event and the informer must re-list, as after etcd compaction.
 *   <li><b>Pod logs</b> ({@code pods/x/log}) from {@link #putLog}: {@code container}, {@code stream}
 *       (All, Stdout, Stderr), {@code tailLines} (refused with stream≠All, as the real validation
 *       does) and {@code limitBytes} (counted from the start).
 *   <li><b>Faults</b>: {@link #fail} answers the next matching requests 429/500 instead.
 *   <li><b>Held watches</b>: {@link #holdWatches} makes a namespace's watches deliver nothing (as a
 *       slow or stuck watch would) until released; the events are kept and delivered then.
 *   <li><b>A request log</b> with each request's User-Agent, to count who wrote what.
 * </ul>
 *
 * What it does not do (the fake kubelet in {@link FakeCluster} supplies controllers): defaulting,
 * admission, status-subresource isolation, garbage collection, finalizers.
 *
 * <p>Public, with {@link #url}, {@link #requests} and {@link #onAnswered}, only so that {@code
 * distribution/bench} can drive the same fake through this module's test-jar.
 */
public final class FakeApiServer implements AutoCloseable {
    /** One request as the server saw it. {@code name} is the object's name for creates (from the body). */
    public record Request(String method, String path, String userAgent, String name) {
        /** POST, PUT, PATCH or DELETE. */
        public boolean isWrite() {
            return !method.equals("GET");
        }
    }

    private record Event(long rv, String type, String json, AttributeSet attributes) {}

    /** A scripted failure: the next {@code times} requests matching {@code match} get {@code code}. */
    private static final class Fault {
        final Predicate<Request> match;
        final int code;
        final String retryAfter;
        int times;

        Fault(Predicate<Request> match, int code, int times, String retryAfter) {
            this.match = match;
            this.code = code;
            this.times = times;
            this.retryAfter = retryAfter;
        }
    }

    private final Shim dispatcher = new Shim();
    private final KubernetesMockServer server;
    /** Guarded by itself; not copy-on-write, because a benchmark adds hundreds of thousands. */
    private final List<Request> requests = new ArrayList<>();

    private final List<Fault> faults = new ArrayList<>();
    private final Map<String, Log> logs = new ConcurrentHashMap<>();
    private final List<Runnable> writeListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<Request, Integer>> answeredListeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> heldNamespaces = ConcurrentHashMap.newKeySet();
    private final String url;

    /** How long an empty watch waits before it ends (the client then watches again at once). */
    private static final Duration EMPTY_WATCH_WAIT = Duration.ofMillis(60);

    FakeApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        url = "http://127.0.0.1:" + server.getPort();
    }

    public String url() {
        return url;
    }

    /** Calls {@code r} after every write (by anyone), so the fake kubelet reacts at once. */
    void onWrite(Runnable r) {
        writeListeners.add(r);
    }

    /** Every request so far. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * Calls {@code l} with every request and its status code once the server has answered it (for
     * a create answered 201, the object is stored by then), on the server's thread; {@code l} must
     * be fast.
     */
    public void onAnswered(BiConsumer<Request, Integer> l) {
        answeredListeners.add(l);
    }

    /**
     * The next {@code times} requests matching {@code match} are answered {@code code} (e.g. 429
     * or 500) with a Status body, and nothing is stored.
     */
    void fail(Predicate<Request> match, int code, int times) {
        synchronized (faults) {
            faults.add(new Fault(match, code, times, code == 429 ? "0" : null));
        }
    }

    /** Forgets every scripted failure. */
    void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** Drops the watch event log: every watch from an older resourceVersion gets 410 Expired. */
    void expireWatches() {
        dispatcher.expire();
    }

    /**
     * Holds every watch in {@code namespace}: each ends empty, as when nothing changed, until the
     * returned hold is closed; the changes are kept and the next watch delivers them. Lists, reads
     * and writes are untouched, so a test can prove that another path (the job-per-phase events)
     * carried a change the watch did not.
     */
    AutoCloseable holdWatches(String namespace) {
        heldNamespaces.add(namespace);
        return () -> heldNamespaces.remove(namespace);
    }

    private boolean held(String path) {
        for (String ns : heldNamespaces) {
            if (path.contains("/namespaces/" + ns + "/")) {
                return true;
            }
        }
        return false;
    }

    /** How many watch requests were answered 410 so far. */
    long expiredWatches() {
        return dispatcher.expired.get();
    }

    /** A container's log, as the kubelet would keep it. */
    record Log(String stdout, String stderr, String all) {}

    void putLog(String namespace, String pod, String container, Log log) {
        logs.put(namespace + "/" + pod + "/" + container, log);
    }

    @Override
    public void close() {
        server.destroy();
    }

    private final class Shim extends KubernetesCrudDispatcher {
        private final List<Event> events = new ArrayList<>();
        /** Whether {@link #events} is in resourceVersion order, so a watch can start by binary search. */
        private boolean eventsInOrder = true;

        private long compactedBelow;
        final AtomicLong expired = new AtomicLong();

        Shim() {
            super(Collections.emptyList());
        }

        @Override
        public MockResponse dispatch(RecordedRequest r) {
            String path = r.getPath();
            String agent = r.getHeader("User-Agent") == null ? "" : r.getHeader("User-Agent");
            String name = null;
            if ("POST".equals(r.getMethod())) {
                // getBytes() does not consume the body (readUtf8() would, and the store would get nothing).
                name = nameOf(r.getBody() == null ? "" : new String(r.getBody().getBytes(), StandardCharsets.UTF_8));
            }
            Request req = new Request(r.getMethod(), path, agent, name);
            synchronized (requests) {
                requests.add(req);
            }
            MockResponse resp = answer(r, req, path);
            if (!answeredListeners.isEmpty()) {
                int code = resp.code();
                answeredListeners.forEach(l -> l.accept(req, code));
            }
            return resp;
        }

        private MockResponse answer(RecordedRequest r, Request req, String path) {
            synchronized (faults) {
                for (Fault f : faults) {
                    if (f.times > 0 && f.match.test(req)) {
                        f.times--;
                        MockResponse resp = status(
                                f.code, f.code == 429 ? "TooManyRequests" : "InternalError", "injected by the test");
                        if (f.retryAfter != null) {
                            resp.setHeader("Retry-After", f.retryAfter);
                        }
                        return resp;
                    }
                }
            }
            String p = path.split("\\?", 2)[0];
            if ("GET".equals(r.getMethod()) && p.endsWith("/log") && p.contains("/pods/")) {
                return log(path, p);
            }
            MockResponse resp = super.dispatch(r);
            if (req.isWrite()) {
                writeListeners.forEach(Runnable::run);
            }
            return resp;
        }

        private MockResponse log(String path, String p) {
            String[] parts = p.split("/");
            // /api/v1/namespaces/{ns}/pods/{pod}/log
            String ns = parts[4];
            String pod = parts[6];
            Map<String, String> q = query(path);
            String container = q.getOrDefault("container", "");
            String stream = q.getOrDefault("stream", "All");
            if (q.containsKey("tailLines") && !stream.equals("All")) {
                return status(422, "Invalid", "tailLines: Invalid value: only allowed with stream=All");
            }
            if (getMap().keySet().stream()
                    .noneMatch(k -> k.matches(getKey("/api/v1/namespaces/" + ns + "/pods/" + pod)))) {
                return status(404, "NotFound", "pods \"" + pod + "\" not found");
            }
            Log log = logs.get(ns + "/" + pod + "/" + container);
            if (log == null) {
                return status(
                        400,
                        "BadRequest",
                        "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: PodInitializing");
            }
            String text =
                    switch (stream) {
                        case "Stdout" -> log.stdout();
                        case "Stderr" -> log.stderr();
                        default -> log.all();
                    };
            if (q.containsKey("tailLines")) {
                int n = Integer.parseInt(q.get("tailLines"));
                List<String> lines = text.lines().toList();
                text = String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()))
                        + (text.endsWith("\n") && !lines.isEmpty() ? "\n" : "");
            }
            if (q.containsKey("limitBytes")) {
                byte[] b = text.getBytes(StandardCharsets.UTF_8);
                int limit = Integer.parseInt(q.get("limitBytes"));
                if (b.length > limit) {
                    text = new String(b, 0, limit, StandardCharsets.UTF_8);
                }
            }
            return new MockResponse()
                    .setResponseCode(200)
                    .setHeader("Content-Type", "text/plain")
                    .setBody(text);
        }

        @Override
        public void processEvent(
                String path,
                AttributeSet pathAttributes,
                AttributeSet oldAttributes,
                GenericKubernetesResource resource,
                String newState) {
            String existing = oldAttributes == null ? null : getMap().get(oldAttributes);
            super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
            if (java.util.Objects.equals(existing, newState)) {
                return;
            }
            synchronized (events) {
                if (newState == null) {
                    long rv = requestResourceVersion();
                    append(new Event(rv, "DELETED", withVersion(existing, rv), attributes(existing, pathAttributes)));
                } else {
                    long rv = versionOf(newState);
                    append(new Event(
                            rv,
                            existing == null ? "ADDED" : "MODIFIED",
                            newState,
                            attributes(newState, pathAttributes)));
                }
            }
        }

        private void append(Event e) {
            if (!events.isEmpty() && events.getLast().rv() > e.rv()) {
                eventsInOrder = false;
            }
            events.add(e);
        }

        /** The index of the first event after {@code rv}: a binary search while the log is in order. */
        private int firstAfter(long rv) {
            if (!eventsInOrder) {
                return 0;
            }
            int lo = 0;
            int hi = events.size();
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (events.get(mid).rv() <= rv) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private AttributeSet attributes(String json, AttributeSet pathAttributes) {
            AttributeSet a = getAttributeExtractor().fromResource(json);
            return AttributeSet.merge(pathAttributes, a);
        }

        void expire() {
            synchronized (events) {
                compactedBelow = requestResourceVersion();
                events.clear();
                eventsInOrder = true;
            }
        }

        @Override
        public MockResponse handleWatch(String path) {
            Map<String, String> q = query(path);
            long from = parseVersion(q.get("resourceVersion"));
            AttributeSet query = getAttributeExtractor().fromPath(path);
            StringBuilder body = new StringBuilder();
            if (held(path)) {
                return new MockResponse()
                        .setResponseCode(200)
                        .setHeader("Content-Type", "application/json")
                        .setBody("")
                        .setBodyDelay(EMPTY_WATCH_WAIT);
            }
            synchronized (events) {
                if (from < compactedBelow) {
                    expired.incrementAndGet();
                    return new MockResponse()
                            .setResponseCode(200)
                            .setBody(
                                    "{\"type\":\"ERROR\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\","
                                            + "\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version\"}}\n");
                }
                // Only the events after the watch's version are read: a watch costs what is new.
                for (Event e : events.subList(firstAfter(from), events.size())) {
                    if (e.rv() > from && e.attributes().matches(query)) {
                        body.append("{\"type\":\"")
                                .append(e.type())
                                .append("\",\"object\":")
                                .append(e.json())
                                .append("}\n");
                    }
                }
            }
            MockResponse resp = new MockResponse()
                    .setResponseCode(200)
                    .setHeader("Content-Type", "application/json")
                    .setBody(body.toString());
            if (body.isEmpty()) {
                resp.setBodyDelay(EMPTY_WATCH_WAIT);
            }
            return resp;
        }
    }

    private static MockResponse status(int code, String reason, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("apiVersion", "v1");
        o.addProperty("kind", "Status");
        o.addProperty("status", "Failure");
        o.addProperty("message", message);
        o.addProperty("reason", reason);
        o.addProperty("code", code);
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(o.toString());
    }

    private static Map<String, String> query(String path) {
        Map<String, String> m = new HashMap<>();
        int q = path.indexOf('?');
        if (q < 0) {
            return m;
        }
        for (String kv : path.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(
                        URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    private static long parseVersion(String v) {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long versionOf(String json) {
        try {
            JsonObject meta = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("metadata");
            return Long.parseLong(meta.get("resourceVersion").getAsString());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String withVersion(String json, long rv) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.getAsJsonObject("metadata").addProperty("resourceVersion", Long.toString(rv));
        return o.toString();
    }

    private static String nameOf(String body) {
        try {
            JsonElement meta = JsonParser.parseString(body).getAsJsonObject().get("metadata");
            return meta == null || !meta.getAsJsonObject().has("name")
                    ? null
                    : meta.getAsJsonObject().get("name").getAsString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
