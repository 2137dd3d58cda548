package org.crosstenant.platform.tlog;

/**
 * A signed note or checkpoint that is malformed (C2SP signed-note, tlog-checkpoint) or not signed as required; the
 * message names what is wrong, never a secret.
 */
public class InvalidNoteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong */
    public InvalidNoteException(String reason) {
        super(reason);
    }
}
