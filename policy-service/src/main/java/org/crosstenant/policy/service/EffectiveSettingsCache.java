package org.crosstenant.policy.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.crosstenant.policy.model.AccessSettings;
import org.crosstenant.policy.repository.DecisionBatchRepository.StoredSettings;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled effective settings per (tenant, partner), compiled once per settings change: an entry is reused while the
 * stored default and partner versions it was built from are the current ones, and rebuilt otherwise. At most
 * {@value #MAX_ENTRIES} entries (cleared when full: compiling again is cheap, and correctness never depends on the
 * cache).
 */
@ApplicationScoped
public class EffectiveSettingsCache {

    /** Most cached (tenant, partner) pairs. */
    public static final int MAX_ENTRIES = 100_000;

    private record Entry(long defaultVersion, long partnerVersion, CompiledSettings compiled) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AccessSettingsService settings;

    public EffectiveSettingsCache(AccessSettingsService settings) {
        this.settings = settings;
    }

    /**
     * @param tenant        the configuring tenant
     * @param partner       the partner tenant
     * @param tenantDefault the tenant's stored default, or null when never set
     * @param own           the stored partner configuration, or null when none
     * @return effective(tenant, partner), compiled
     * @throws IllegalStateException when a stored configuration cannot be read back
     */
    public CompiledSettings compiled(String tenant, String partner, StoredSettings tenantDefault,
                                     StoredSettings own) {
        long defaultVersion = tenantDefault == null ? 0 : tenantDefault.version();
        long partnerVersion = own == null ? 0 : own.version();
        String key = tenant + "/" + partner;
        Entry entry = entries.get(key);
        if (entry != null && entry.defaultVersion() == defaultVersion && entry.partnerVersion() == partnerVersion) {
            return entry.compiled();
        }
        CompiledSettings compiled = CompiledSettings.compile(
                own == null ? AccessSettings.EMPTY : settings.read(own.settingsJson()),
                tenantDefault == null ? AccessSettings.EMPTY : settings.read(tenantDefault.settingsJson()),
                defaultVersion, partnerVersion);
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key, new Entry(defaultVersion, partnerVersion, compiled));
        return compiled;
    }
}
