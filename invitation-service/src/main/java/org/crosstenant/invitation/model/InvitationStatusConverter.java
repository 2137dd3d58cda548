package org.crosstenant.invitation.model;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores the status by its wire name, so the database reads like the API. */
@Converter(autoApply = true)
public class InvitationStatusConverter implements AttributeConverter<InvitationStatus, String> {

    @Override
    public String convertToDatabaseColumn(InvitationStatus status) {
        return status == null ? null : status.wire();
    }

    @Override
    public InvitationStatus convertToEntityAttribute(String value) {
        return value == null ? null : InvitationStatus.fromWire(value);
    }
}
