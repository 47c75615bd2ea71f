package dev.ergon.executor.kubernetes;

import dev.ergon.executor.kubernetes.KubernetesExecutorBackendConfig.LogStreams;
import dev.ergon.spi.ErgonException;
import io.kubernetes.client.openapi.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads the tail of one container's log through {@code pods/log}. With {@code log-streams=combined}
 * one read ({@code tailLines}) whose text, stdout and stderr interleaved as Kubernetes keeps them,
 * is reported as stdout. With {@code split} two reads ({@code stream=Stdout}, {@code
 * stream=Stderr}); the API allows {@code tailLines} only for both streams together, so each read
 * is capped by {@code limitBytes} (which counts from the start) at 16 times {@code log-tail-bytes}
 * and its last {@code log-tail-bytes} kept. Never throws: a log that cannot be read is empty, with a
 * note saying why. Thread-safe.
 */
final class LogReader {
    /** Lines asked for in combined mode; enough for any sensible tail size. */
    static final int TAIL_LINES = 2000;

    private final KubeApi api;
    private final LogStreams mode;
    private final int tailBytes;

    LogReader(KubeApi api, LogStreams mode, int tailBytes) {
        this.api = api;
        this.mode = mode;
        this.tailBytes = tailBytes;
    }

    /**
     * What one container wrote.
     *
     * @param stdout the tail of its standard output (in combined mode: of both streams)
     * @param stderr the tail of its standard error (empty in combined mode)
     * @param note why something is missing or cut, if so
     */
    record LogTail(String stdout, String stderr, Optional<String> note) {
        static final LogTail EMPTY = new LogTail("", "", Optional.empty());
    }

    LogTail read(String pod, String container) {
        if (tailBytes == 0) {
            return LogTail.EMPTY;
        }
        if (mode == LogStreams.COMBINED) {
            Read all = read(pod, container, null, TAIL_LINES, Math.max(tailBytes * 16, 1 << 20));
            return new LogTail(tail(all.text), "", all.note);
        }
        int limit = Math.max(tailBytes * 16, 4096);
        Read out = read(pod, container, "Stdout", null, limit);
        Read err = read(pod, container, "Stderr", null, limit);
        Optional<String> note = out.note.or(() -> err.note);
        if (note.isEmpty() && (bytes(out.text) >= limit || bytes(err.text) >= limit)) {
            note = Optional.of("the log of " + container + " is longer than " + limit + " bytes; its tail is taken from"
                    + " the first " + limit + " bytes");
        }
        return new LogTail(tail(out.text), tail(err.text), note);
    }

    private record Read(String text, Optional<String> note) {}

    private Read read(String pod, String container, String stream, Integer tailLines, int limitBytes) {
        try {
            String text = api.call("read the log of " + pod + "/" + container, () -> {
                var req = api.core
                        .readNamespacedPodLog(pod, api.namespace())
                        .container(container)
                        .limitBytes(limitBytes);
                if (stream != null) {
                    req.stream(stream);
                }
                if (tailLines != null) {
                    req.tailLines(tailLines);
                }
                return req.execute();
            });
            return new Read(text == null ? "" : text, Optional.empty());
        } catch (ApiException e) {
            String why = e.getCode() == 404 ? "the pod is gone" : KubeApi.describe(e);
            return new Read("", Optional.of("the log of " + container + " could not be read: " + why));
        } catch (ErgonException e) {
            return new Read("", Optional.of("the log of " + container + " could not be read: " + e.getMessage()));
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The last {@code tailBytes} bytes of {@code s}, cut at a character boundary. */
    String tail(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= tailBytes) {
            return s;
        }
        int from = b.length - tailBytes;
        while (from < b.length && (b[from] & 0xC0) == 0x80) {
            from++; // skip continuation bytes of a character cut in half
        }
        return new String(Arrays.copyOfRange(b, from, b.length), StandardCharsets.UTF_8);
    }
}
