package org.crosstenant.invitation.messaging;

/** A message that can never be applied, however often it is retried: it belongs on the dead-letter topic. */
public class PoisonMessageException extends RuntimeException {

    public PoisonMessageException(String message) {
        super(message);
    }
}
