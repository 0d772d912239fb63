package org.cxr.app.audit;

import org.cxr.lake.errors.InvalidInputException;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The audit log for administrators, newest first, a page at a time. */
@RestController
class AuditController
{
    private final AuditLog auditLog;

    AuditController(AuditLog auditLog)
    {
        this.auditLog = requireNonNull(auditLog, "auditLog");
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventJson(long id, Instant occurredAt, String actor, String action, String target, String outcome, String remoteAddress, String detail)
    {
        static EventJson of(AuditEvent event)
        {
            return new EventJson(event.id(), event.occurredAt(), event.actor(), event.action(), event.target().orElse(null), event.outcome().name(),
                    event.remoteAddress().orElse(null), event.detail().orElse(null));
        }
    }

    /** {@code next} is the {@code before} value of the following page, absent on the last. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventList(List<EventJson> items, Long next) {}

    @GetMapping("/api/v1/audit")
    EventList events(
            @RequestParam(name = "actor", required = false) String actor,
            @RequestParam(name = "action", required = false) String action,
            @RequestParam(name = "before", required = false) Long before,
            @RequestParam(name = "limit", defaultValue = "100") int limit)
    {
        if (limit < 1 || limit > 1000) {
            throw new InvalidInputException("bad_parameter", "limit must be between 1 and 1000.");
        }
        List<AuditEvent> events = auditLog.events(new AuditLog.Query(blankToEmpty(actor), blankToEmpty(action), Optional.ofNullable(before), limit + 1));
        List<AuditEvent> page = events.subList(0, Math.min(limit, events.size()));
        Long next = events.size() > limit ? page.get(page.size() - 1).id() : null;
        return new EventList(page.stream().map(EventJson::of).toList(), next);
    }

    private static Optional<String> blankToEmpty(String value)
    {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
