package dev.ergon.staging;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/** URL helpers shared by staging and the file filer. */
final class Urls {
    private static final Pattern USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/?#@\\s]*@");
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&][^=&#\\s]*=)[^&#\\s]*");

    private Urls() {}

    /**
     * {@code url} fit for a message or a log line: user info ({@code user:pass@}) and query values
     * (pre-signed URLs carry signatures there) replaced by {@code ***}. Works on unparsable URLs
     * and on messages that contain URLs.
     */
    static String redact(String url) {
        String s = USER_INFO.matcher(url).replaceAll("$1***@");
        return QUERY_VALUE.matcher(s).replaceAll("$1***");
    }

    static String redact(URI url) {
        return redact(url.toString());
    }

    /** {@code base} without trailing slashes. */
    static String stripTrailingSlashes(String base) {
        int end = base.length();
        while (end > 0 && base.charAt(end - 1) == '/') {
            end--;
        }
        return base.substring(0, end);
    }

    /**
     * {@code base + "/" + relative}, with {@code relative} (a slash-separated relative path)
     * percent-encoded where a URL needs it.
     */
    static URI child(String base, String relative) {
        return URI.create(stripTrailingSlashes(base) + "/" + encodePath(relative));
    }

    /** Percent-encodes the characters a URL path may not contain, keeping slashes. */
    static String encodePath(String relative) {
        try {
            // A leading slash keeps a first segment with a colon from being read as a scheme.
            return new URI(null, null, "/" + relative, null).getRawPath().substring(1);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot encode path '" + relative + "'", e);
        }
    }
}
