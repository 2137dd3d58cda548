package org.crosstenant.stack.infra.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The shipped {@code quarkus.http.proxy.trusted-proxies} of a service must be CIDR ranges only: Quarkus resolves every
 * other entry through DNS on each request — a host name, and a bare IPv6 address such as {@code ::1} too (its
 * converter reads that as host:port). That cost ~40 ms per request on the local stack (issue #5).
 */
public final class TrustedProxies {

    /** An IPv4 or IPv6 literal with a prefix length: the form Quarkus matches without any lookup. */
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)/\\d{1,3}");

    private TrustedProxies() {
    }

    /** @return whether {@code entry} (trimmed) is an IP literal with a prefix length */
    public static boolean isCidr(String entry) {
        return CIDR.matcher(entry.trim()).matches();
    }

    /**
     * Reads {@code quarkus.http.proxy.trusted-proxies} from the class path's {@code /application.properties}.
     *
     * @return the comma-separated entries, or an empty list when the property is unset or blank
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<String> shippedEntries() {
        Properties properties = new Properties();
        try (InputStream in = TrustedProxies.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = properties.getProperty("quarkus.http.proxy.trusted-proxies", "");
        List<String> entries = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                entries.add(entry.trim());
            }
        }
        return entries;
    }
}
