package dev.ergon.wes;

import static org.junit.jupiter.api.Assertions.fail;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates response bodies against the official WES 1.1 OpenAPI document in {@code
 * ../shared/specs} (as the TES conformance test does for TES). Where that folder is absent,
 * validation is skipped and says so loudly once.
 */
final class WesConformance {
    private static OpenApiInteractionValidator validator;
    private static boolean warned;

    private WesConformance() {}

    static synchronized OpenApiInteractionValidator validator() {
        if (validator == null) {
            Path spec = Path.of(System.getProperty("ergon.specs.dir", "../../../shared/specs"))
                    .resolve("wes-1.1.openapi.local-refs.yaml");
            if (!Files.exists(spec)) {
                if (!warned) {
                    System.err.println(
                            "!!!!! WES conformance checks SKIPPED: " + spec.toAbsolutePath() + " not found !!!!!");
                    warned = true;
                }
                return null;
            }
            validator = OpenApiInteractionValidator.createForSpecificationUrl(
                            spec.toUri().toString())
                    .withBasePathOverride("/ga4gh/wes/v1")
                    .withResolveCombinators(true)
                    .build();
        }
        return validator;
    }

    /** Fails when {@code body} is not what the WES spec says {@code method path} returns with {@code status}. */
    static void check(Request.Method method, String path, int status, String body) {
        OpenApiInteractionValidator v = validator();
        if (v == null) {
            return;
        }
        ValidationReport report = v.validateResponse(
                path,
                method,
                SimpleResponse.Builder.status(status)
                        .withContentType("application/json")
                        .withBody(body)
                        .build());
        List<ValidationReport.Message> errors = report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                // Ergon's error bodies add "field" (naming the bad field) to ErrorResponse; the spec does not
                // forbid extra properties, the validator is stricter than the spec there.
                .filter(m -> !(status >= 400 && m.getMessage().contains("not allowed by the schema: [\"field\"]")))
                .toList();
        if (!errors.isEmpty()) {
            fail("response of " + method + " " + path + " violates the WES 1.1 spec:\n" + errors + "\nbody: " + body);
        }
    }
}
