package dev.ergon.executor.kubernetes;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import dev.ergon.spi.ErgonException;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Job;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The later phase Jobs of a job-per-phase task, kept in an annotation of the task's claim, so that
 * a restarted Ergon (which gets only the task's handle back, never its spec) can create the next
 * phase's Job exactly as the first process would have. The Jobs' JSON as Ergon sends it ({@link
 * JobManifest#json}), gzipped and base64-encoded: annotations are limited to 256 KiB together.
 * Stateless.
 */
final class PhasePlan {
    private PhasePlan() {}

    /** Leaves room for the claim's other annotations within the API server's 256 KiB. */
    static final int MAX_ENCODED_BYTES = 200 * 1024;

    /**
     * @throws ErgonException INVALID_INPUT (field {@code executors}) when the plan does not fit
     */
    static String encode(List<V1Job> jobs) {
        JsonArray a = new JsonArray();
        jobs.forEach(j -> a.add(JsonParser.parseString(JobManifest.json(j))));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(a.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String encoded = Base64.getEncoder().encodeToString(bytes.toByteArray());
        if (encoded.length() > MAX_ENCODED_BYTES) {
            throw ErgonException.invalid(
                    "executors",
                    "the task's executors and outputs take " + encoded.length() + " bytes (compressed) in the"
                            + " annotation " + JobNames.PLAN_ANNOTATION + ", more than strategy job-per-phase"
                            + " accepts (" + MAX_ENCODED_BYTES + ")");
        }
        return encoded;
    }

    /** @throws IllegalArgumentException when {@code encoded} is not a plan */
    static List<V1Job> decode(String encoded) {
        try (GZIPInputStream gz =
                new GZIPInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded)))) {
            JsonArray a = JsonParser.parseString(new String(gz.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonArray();
            JSON json = new JSON();
            List<V1Job> jobs = new ArrayList<>();
            a.forEach(e -> jobs.add(json.deserialize(e.toString(), V1Job.class)));
            return List.copyOf(jobs);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a phase plan: " + e.getMessage(), e);
        }
    }
}
