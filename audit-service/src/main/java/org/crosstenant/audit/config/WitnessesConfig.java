package org.crosstenant.audit.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * The tenants' witnesses audit-service submits its checkpoints to (C2SP tlog-witness; docs/audit.md "Witnesses";
 * {@code crosstenant.audit.witnesses.<name>.url}, env {@code CROSSTENANT_AUDIT_WITNESSES_<NAME>_URL}, ...; see
 * docs/config/audit-service.md). None by default.
 */
@ConfigMapping(prefix = "crosstenant.audit.witnesses")
public interface WitnessesConfig {

    /** @return the witnesses by name (the name is the metric tag and is stored with each cosignature) */
    @WithParentName
    Map<String, Witness> all();

    /** One witness. */
    interface Witness {

        /** Its submission prefix: {@code <url>/add-checkpoint} is called (http or https). */
        String url();

        /** Its cosignature verifier key {@code <name>+<key ID>+<base64(0x04 || public key)>}. */
        String vkey();

        /** The tenant that runs it: an alert record about its refusal concerns this tenant. */
        String tenant();

        /** Deadline of one submission (connect, send, answer), including a 409 resync. */
        @WithDefault("5s")
        Duration timeout();
    }
}
