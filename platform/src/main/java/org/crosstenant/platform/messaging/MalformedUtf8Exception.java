package org.crosstenant.platform.messaging;

/**
 * Bytes that are not well-formed UTF-8 (RFC 3629, section 3): a byte that cannot start or continue a sequence, a
 * truncated sequence, an overlong form, an encoded surrogate (U+D800..U+DFFF) or a code point above U+10FFFF. Thrown by
 * {@link StrictUtf8} instead of replacing the bytes with U+FFFD, so that the caller refuses the input rather than
 * reading characters that were never sent. The message is the reason, fit for a dead-letter record.
 */
public class MalformedUtf8Exception extends IllegalArgumentException {

    private final int offset;

    /**
     * @param message the reason, naming where the malformed sequence starts
     * @param offset  the byte offset of the first malformed sequence
     */
    public MalformedUtf8Exception(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** @return the byte offset (from 0) of the first malformed sequence in the input */
    public int offset() {
        return offset;
    }
}
