package dev.ergon.filer.jclouds;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.io.IOException;
import java.util.Set;
import org.jclouds.aws.AWSResponseException;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.http.HttpResponseException;
import org.jclouds.rest.AuthorizationException;
import org.jclouds.rest.InsufficientResourcesException;
import org.jclouds.rest.RateLimitExceededException;
import org.jclouds.rest.ResourceNotFoundException;
import org.jclouds.rest.RetryAfterException;

/**
 * Turns what jclouds throws into Ergon's error kinds. Messages are built from the URL, the
 * operation, the HTTP status and the store's error code only: never from jclouds' own messages,
 * which quote requests and responses.
 */
final class JcloudsErrors {
    /** S3 error codes of a 400 that mean the bytes were damaged or slow on the way: worth a retry. */
    private static final Set<String> RETRYABLE_400 = Set.of(
            "BadDigest",
            "InvalidDigest",
            "XAmzContentSHA256Mismatch",
            "IncompleteBody",
            "RequestTimeout",
            "Md5Mismatch",
            "InvalidChecksum");

    private JcloudsErrors() {}

    /**
     * The error for a failed {@code operation} on {@code url}.
     *
     * @param operation what was being done, e.g. {@code download}
     * @param credentialKeys the config keys holding the credentials used, for access-denied messages
     */
    static ErgonException map(BlobUrl url, String operation, String credentialKeys, RuntimeException e) {
        if (e instanceof ErgonException ee) {
            return ee;
        }
        String where = url.shown() + ": " + operation + " failed: ";
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof AuthorizationException) {
                return accessDenied(url, credentialKeys, status(e), e);
            }
            if (c instanceof ContainerNotFoundException) {
                return new ErgonException(
                        ErrorKind.NOT_FOUND, where + bucketWord(url) + " '" + url.bucket() + "' does not exist", e);
            }
            if (c instanceof KeyNotFoundException || c instanceof ResourceNotFoundException) {
                return new ErgonException(ErrorKind.NOT_FOUND, where + "not found" + status(e), e);
            }
            if (c instanceof RetryAfterException
                    || c instanceof RateLimitExceededException
                    || c instanceof InsufficientResourcesException) {
                return new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, where + "the store is busy" + status(e), e);
            }
            if (c instanceof HttpResponseException h && h.getResponse() != null) {
                return byStatus(url, where, credentialKeys, h.getResponse().getStatusCode(), code(e), e);
            }
            if (c instanceof IOException io) {
                return new ErgonException(
                        ErrorKind.BACKEND_UNAVAILABLE,
                        where + "cannot reach the store: " + io.getClass().getSimpleName()
                                + (io.getMessage() == null ? "" : " " + BlobUrl.redact(io.getMessage())),
                        e);
            }
        }
        return new ErgonException(ErrorKind.INTERNAL, where + e.getClass().getName(), e);
    }

    static ErgonException accessDenied(BlobUrl url, String credentialKeys, String detail, Throwable cause) {
        return new ErgonException(
                ErrorKind.INVALID_INPUT,
                "access denied to " + url.shown() + " (check " + credentialKeys + ")" + detail,
                cause);
    }

    private static ErgonException byStatus(
            BlobUrl url, String where, String credentialKeys, int status, String code, RuntimeException e) {
        String detail = " (HTTP " + status + (code.isEmpty() ? "" : " " + code) + ")";
        return switch (status) {
            case 401, 403 -> accessDenied(url, credentialKeys, detail, e);
            case 404, 410 ->
                new ErgonException(
                        ErrorKind.NOT_FOUND,
                        where
                                + (code.equals("NoSuchBucket") || code.equals("ContainerNotFound")
                                        ? bucketWord(url) + " '" + url.bucket() + "' does not exist"
                                        : "not found")
                                + detail,
                        e);
            case 301, 307, 308 ->
                new ErgonException(
                        ErrorKind.INVALID_INPUT,
                        where + "the store redirects to another"
                                + " endpoint or region" + detail + "; set " + JcloudsFilerConfig.PREFIX
                                + url.kind().configName()
                                + ".region (or the bucket's own settings)",
                        e);
            case 408, 409, 429 ->
                new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, where + "the store is busy" + detail, e);
            case 400 ->
                RETRYABLE_400.contains(code)
                        ? new ErgonException(
                                ErrorKind.BACKEND_UNAVAILABLE, where + "the bytes arrived damaged" + detail, e)
                        : new ErgonException(
                                ErrorKind.INVALID_INPUT, where + "the store rejected the request" + detail, e);
            default ->
                status >= 500
                        ? new ErgonException(ErrorKind.BACKEND_UNAVAILABLE, where + "store error" + detail, e)
                        : new ErgonException(
                                ErrorKind.INVALID_INPUT, where + "the store rejected the request" + detail, e);
        };
    }

    private static String bucketWord(BlobUrl url) {
        return switch (url.kind()) {
            case S3, GS -> "bucket";
            case AZURE, SWIFT -> "container";
        };
    }

    /** " (HTTP 403 SignatureDoesNotMatch)" when the chain carries a response, else "". */
    private static String status(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HttpResponseException h && h.getResponse() != null) {
                String code = code(e);
                return " (HTTP " + h.getResponse().getStatusCode() + (code.isEmpty() ? "" : " " + code) + ")";
            }
        }
        return "";
    }

    /** The store's error code (S3: {@code NoSuchKey}, {@code SignatureDoesNotMatch}), or "". */
    private static String code(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof AWSResponseException a
                    && a.getError() != null
                    && a.getError().getCode() != null) {
                String code = a.getError().getCode();
                // An error code is a word; anything else is not put in a message.
                return code.matches("[A-Za-z0-9.]{1,64}") ? code : "";
            }
        }
        return "";
    }
}
