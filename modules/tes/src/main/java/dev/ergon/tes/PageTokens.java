package dev.ergon.tes;

import dev.ergon.spi.ErgonException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.OptionalLong;

/**
 * Opaque keyset page tokens shared by the TES and WES APIs: a kind byte and the keyset position,
 * base64url. The kind keeps a token of one list from being accepted by another.
 */
public final class PageTokens {
    /** Tokens of TES ListTasks. */
    public static final byte TASKS = 1;
    /** Tokens of WES ListRuns. */
    public static final byte RUNS = 2;

    private PageTokens() {}

    /** The token for the page before {@code seq}. */
    public static String encode(byte kind, long seq) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(ByteBuffer.allocate(9).put(kind).putLong(seq).array());
    }

    /**
     * The position in {@code token}, or empty for no token.
     *
     * @throws ErgonException INVALID_INPUT naming {@code page_token} for a token this server did
     *     not issue for this list
     */
    public static OptionalLong decode(byte kind, String token) {
        if (token == null || token.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            byte[] b = Base64.getUrlDecoder().decode(token);
            if (b.length == 9 && b[0] == kind) {
                long seq = ByteBuffer.wrap(b, 1, 8).getLong();
                if (seq > 0) {
                    return OptionalLong.of(seq);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64: fall through to the error
        }
        throw ErgonException.invalid("page_token", "is not a token this server issued");
    }
}
