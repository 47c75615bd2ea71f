package dev.ergon.wes;

import dev.ergon.spi.ErgonException;
import dev.ergon.spi.ErrorKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A streaming {@code multipart/form-data} reader (RFC 7578): parts are read one after the other
 * straight from the request body, never held whole in memory, and the whole body is bounded by
 * {@code maxBytes} (413 above). Not thread-safe (one request).
 */
final class Multipart {
    private static final int MAX_HEADER_BYTES = 16 * 1024;

    private final InputStream in;
    private final byte[] delimiter;
    private final byte[] buf = new byte[64 * 1024];
    private final long maxBytes;
    private int pos;
    private int lim;
    private boolean eof;
    private long total;
    private boolean finished;
    private Body current;

    /** One part: its form field name, file name if any, content type, and its body. */
    record Part(String name, Optional<String> filename, Optional<String> contentType, InputStream body) {}

    Multipart(InputStream in, String boundary, long maxBytes) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxBytes = maxBytes;
        // The first boundary has no CRLF before it: pretend there was one.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
    }

    /** The boundary of a {@code multipart/form-data} Content-Type. @throws ErgonException INVALID_INPUT otherwise */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw ErgonException.invalid(
                    "Content-Type", "RunWorkflow takes multipart/form-data, got '" + contentType + "'");
        }
        Map<String, String> params = parameters(
                contentType.substring(contentType.indexOf(';') < 0 ? contentType.length() : contentType.indexOf(';')));
        String b = params.get("boundary");
        if (b == null || b.isEmpty() || b.length() > 200) {
            throw ErgonException.invalid("Content-Type", "multipart/form-data without a valid boundary");
        }
        return b;
    }

    /** The next part, or empty after the last one. The previous part's unread body is skipped. */
    Optional<Part> next() throws IOException {
        if (finished) {
            return Optional.empty();
        }
        if (current != null) {
            current.skipRest();
        } else {
            skipPreamble();
        }
        pos += delimiter.length;
        if (fill(2) < 2) {
            throw malformed("the body ends inside a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            finished = true;
            return Optional.empty();
        }
        readLine(); // rest of the boundary line (transport padding)
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine();
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw malformed("a part has no Content-Disposition");
        }
        int semi = disposition.indexOf(';');
        Map<String, String> dp = parameters(semi < 0 ? "" : disposition.substring(semi));
        String name = dp.get("name");
        if (name == null) {
            throw malformed("a part has no name");
        }
        Optional<String> filename = Optional.ofNullable(dp.get("filename*"))
                .map(Multipart::extValue)
                .or(() -> Optional.ofNullable(dp.get("filename")));
        current = new Body();
        return Optional.of(new Part(name, filename, Optional.ofNullable(headers.get("content-type")), current));
    }

    private void skipPreamble() throws IOException {
        while (true) {
            fill(delimiter.length);
            int idx = indexOfDelimiter();
            if (idx >= 0) {
                pos = idx;
                return;
            }
            if (eof) {
                throw malformed("no boundary found");
            }
            pos = Math.max(pos, lim - delimiter.length + 1);
        }
    }

    /** Reads a CRLF-terminated header line (ISO-8859-1, UTF-8 tolerated). */
    private String readLine() throws IOException {
        while (true) {
            for (int i = pos; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String line = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return line;
                }
            }
            if (lim - pos > MAX_HEADER_BYTES) {
                throw malformed("a part header line is longer than " + MAX_HEADER_BYTES + " bytes");
            }
            int before = lim - pos;
            if (fill(before + 1) <= before) {
                throw malformed("the body ends inside a part's headers");
            }
        }
    }

    /** Tries to have at least {@code n} bytes buffered; returns how many are. */
    private int fill(int n) throws IOException {
        if (lim - pos >= n) {
            return lim - pos;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        while (lim < n && lim < buf.length && !eof) {
            int r = in.read(buf, lim, buf.length - lim);
            if (r < 0) {
                eof = true;
                break;
            }
            total += r;
            if (total > maxBytes) {
                throw new ErgonException(
                        ErrorKind.TOO_LARGE,
                        "body",
                        "body: the request is larger than " + maxBytes + " bytes (ergon.wes.max-request-bytes)",
                        null);
            }
            lim += r;
        }
        return lim - pos;
    }

    private int indexOfDelimiter() {
        outer:
        for (int i = pos; i <= lim - delimiter.length; i++) {
            for (int j = 0; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A part's body: the bytes up to the next delimiter. */
    private final class Body extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done || current != this) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                fill(delimiter.length + 1);
                int idx = indexOfDelimiter();
                int safe;
                if (idx >= 0) {
                    if (idx == pos) {
                        done = true;
                        return -1;
                    }
                    safe = idx - pos;
                } else {
                    if (eof) {
                        throw malformed("the body ends without a closing boundary");
                    }
                    safe = lim - pos - delimiter.length + 1;
                    if (safe <= 0) {
                        fill(lim - pos + 1);
                        continue;
                    }
                }
                int n = Math.min(len, safe);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
        }

        void skipRest() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }
    }

    /** {@code ; a=b; c="d"} → {a=b, c=d} (quoted strings with backslash escapes). */
    static Map<String, String> parameters(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ';' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (i < n && s.charAt(i) != '"') {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        c = s.charAt(++i);
                    }
                    v.append(c);
                    i++;
                }
                i++;
            } else {
                while (i < n && s.charAt(i) != ';') {
                    v.append(s.charAt(i++));
                }
            }
            out.putIfAbsent(key, v.toString().trim());
        }
        return out;
    }

    /** RFC 5987 {@code UTF-8''percent%20encoded}. */
    private static String extValue(String v) {
        int q = v.indexOf("''");
        String enc = q < 0 ? v : v.substring(q + 2);
        return URLDecoder.decode(enc.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ErgonException malformed(String why) {
        return ErgonException.invalid("body", "malformed multipart/form-data: " + why);
    }
}
