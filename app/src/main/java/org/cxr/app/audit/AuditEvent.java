package org.cxr.app.audit;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One line of the audit log: who (a user name, or {@code scheduler} / {@code cli:<os user>} for the machine), did
 * what (an action such as {@code inference.upload}), to what (an inference id, an image hash, a stage, a user), with
 * which outcome, from where (the client's address as the server saw it).
 */
public record AuditEvent(long id, Instant occurredAt, String actor, String action, Optional<String> target, Outcome outcome,
        Optional<String> remoteAddress, Optional<String> detail)
{
    public enum Outcome { SUCCESS, DENIED, FAILURE }

    public AuditEvent
    {
        requireNonNull(occurredAt, "occurredAt");
        requireNonNull(actor, "actor");
        requireNonNull(action, "action");
        requireNonNull(target, "target");
        requireNonNull(outcome, "outcome");
        requireNonNull(remoteAddress, "remoteAddress");
        requireNonNull(detail, "detail");
    }
}
