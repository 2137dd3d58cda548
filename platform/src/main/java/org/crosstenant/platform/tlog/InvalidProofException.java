package org.crosstenant.platform.tlog;

/**
 * A Merkle proof, or the sizes and hashes given with it, that does not prove what it claims (RFC 9162 sections
 * 2.1.3.2 and 2.1.4.2). The message says which check failed, in words a security team can act on.
 */
public class InvalidProofException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param reason which check failed */
    public InvalidProofException(String reason) {
        super(reason);
    }
}
