package org.cxr.app.server;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The body of every error the server answers with: an RFC 9457 problem ({@code application/problem+json}) that also
 * keeps the fields clients of this API have always read, {@code status}, {@code error} (a short stable word) and
 * {@code message} (written for a person), plus {@code timestamp}. Anything a failure adds for tools (the run a
 * conflict was with) is a field of its own.
 */
public final class Problems
{
    public static final String MEDIA_TYPE = "application/problem+json";

    /** The request attribute holding the problem a request was answered with, for whoever records refusals. */
    public static final String ATTRIBUTE = Problems.class.getName() + ".answered";

    private Problems() {}

    public static ProblemDetail of(HttpStatus status, String error, String message)
    {
        return of(status, error, message, Map.of());
    }

    public static ProblemDetail of(HttpStatus status, String error, String message, Map<String, Object> details)
    {
        requireNonNull(status, "status");
        requireNonNull(error, "error");
        requireNonNull(message, "message");
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        problem.setTitle(status.getReasonPhrase());
        problem.setProperty("error", error);
        problem.setProperty("message", message);
        problem.setProperty("timestamp", Instant.now());
        details.forEach(problem::setProperty);
        return problem;
    }

    /** The database cannot be reached: a fixed message, as the exception's own text can carry host names or SQL. */
    public static ProblemDetail databaseUnavailable()
    {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "storage_unavailable", "The database is unavailable. Try again shortly.");
    }

    /** The answer with this problem for the request to {@code path}; the problem is also kept on the request. */
    static ResponseEntity<ProblemDetail> respond(HttpServletRequest request, String path, ProblemDetail problem)
    {
        problem.setInstance(instance(path));
        request.setAttribute(ATTRIBUTE, problem);
        // Spring answers application/problem+json, or application/json to a client that accepts only that.
        return ResponseEntity.status(problem.getStatus()).body(problem);
    }

    private static URI instance(String path)
    {
        try {
            return path == null ? null : URI.create(path);
        }
        catch (IllegalArgumentException e) {
            return null; // a path the container let through but that is no URI: the problem just names none
        }
    }

    /** The problem as the JSON object it is sent as, for answers written outside Spring MVC (security, filters). */
    public static Map<String, Object> body(ProblemDetail problem, String path)
    {
        Map<String, Object> body = new LinkedHashMap<>();
        // No type means about:blank, and Spring MVC leaves it out as well.
        if (problem.getType() != null && !problem.getType().toString().equals("about:blank")) {
            body.put("type", problem.getType().toString());
        }
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        body.put("instance", path == null ? null : URI.create(path).getPath());
        if (problem.getProperties() != null) {
            body.putAll(problem.getProperties());
        }
        return body;
    }
}
