package org.crosstenant.policy.model;

import java.util.Locale;
import java.util.regex.Pattern;

/** Shapes of the identifiers this service accepts. */
public final class Identifiers {

    /** Tenant and application ids: lower-case DNS-label-like, 2 to 63 characters. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    /** Deliberately loose: one @, no blanks, a dot in the domain; the home tenant's IdP owns real validation. */
    public static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private Identifiers() {
    }

    public static boolean isId(String value) {
        return value != null && ID.matcher(value).matches();
    }

    public static boolean isEmail(String value) {
        return value != null && value.length() <= 320 && EMAIL.matcher(value).matches();
    }

    /** Emails compare case-insensitively, so rules and invitees are both lower-cased. */
    public static String normaliseEmail(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }
}
