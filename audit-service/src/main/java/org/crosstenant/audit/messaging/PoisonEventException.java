package org.crosstenant.audit.messaging;

/** An event we can never turn into a record (unknown type, bad envelope, unparseable payload): dead-letter it. */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
