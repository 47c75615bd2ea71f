package dev.ergon.filer.jclouds;

import static java.util.Objects.requireNonNull;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed object URL: {@code <scheme>://<bucket>/<key>}. The bucket (S3 bucket, GCS bucket,
 * Azure or Swift container) is the URL's authority; the key is its path without the leading
 * slash, percent-decoded.
 *
 * @param uri the URL as given
 * @param kind the store its scheme names
 * @param bucket the bucket or container
 * @param key the object key; empty for the bucket itself
 * @param shown the URL fit for a message (user info and query values replaced by {@code ***})
 */
record BlobUrl(URI uri, StoreKind kind, String bucket, String key, String shown) {
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\\s]*@");
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*=)[^&#\\s]*");
    private static final Pattern BUCKET = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]*");

    /**
     * Parses {@code uri}.
     *
     * @throws ErgonException INVALID_INPUT naming the URL when it is not an object URL this filer
     *     understands, or carries credentials (they come only from configuration)
     */
    static BlobUrl parse(URI uri) {
        requireNonNull(uri, "uri is null");
        String shown = redact(uri.toString());
        String scheme = uri.getScheme();
        StoreKind kind = scheme == null ? null : StoreKind.forScheme(scheme).orElse(null);
        if (kind == null) {
            throw invalid(shown, "not an s3://, gs://, azure://, az:// or swift:// URL");
        }
        if (uri.isOpaque()) {
            throw invalid(shown, "must look like " + scheme.toLowerCase(Locale.ROOT) + "://bucket/key");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(
                    shown,
                    "credentials in the URL are not accepted; they come from configuration ("
                            + JcloudsFilerConfig.PREFIX + kind.configName() + ".*)");
        }
        String bucket = uri.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw invalid(shown, "has no bucket (expected " + scheme.toLowerCase(Locale.ROOT) + "://bucket/key)");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw invalid(shown, "'" + bucket + "' is not a bucket or container name");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(shown, "must not have a query or fragment");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String key = path.startsWith("/") ? path.substring(1) : path;
        return new BlobUrl(uri, kind, bucket, key, shown);
    }

    /** The URL of object {@code key} in the same bucket, with the same scheme. */
    URI sibling(String otherKey) {
        try {
            // The URI constructor quotes what a URL path may not contain; the leading slash keeps
            // a first segment with a colon from being read as a scheme.
            String path = new URI(null, null, "/" + otherKey, null).getRawPath();
            return URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + bucket + path);
        } catch (URISyntaxException e) {
            throw new ErgonException(ErrorKind.INTERNAL, shown + ": cannot build a URL for key '" + otherKey + "'", e);
        }
    }

    /** Fails unless the key names an object: not empty, not ending in {@code /}. */
    BlobUrl requireObjectKey() {
        if (key.isEmpty()) {
            throw invalid(
                    shown, "names a bucket, not an object (expected " + uri.getScheme() + "://" + bucket + "/key)");
        }
        if (key.endsWith("/")) {
            throw invalid(shown, "ends with '/': names a folder, not an object; use a DIRECTORY input or output");
        }
        return this;
    }

    /**
     * {@code text} fit for a message or log line: user info and query values replaced by {@code
     * ***}. Works on text containing URLs.
     */
    static String redact(String text) {
        String s = USER_INFO.matcher(text).replaceAll("$1***@");
        return QUERY_VALUE.matcher(s).replaceAll("$1***");
    }

    private static ErgonException invalid(String shown, String reason) {
        return new ErgonException(ErrorKind.INVALID_INPUT, shown + ": " + reason);
    }
}
