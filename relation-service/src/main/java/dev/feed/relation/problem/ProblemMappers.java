package dev.feed.relation.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as application/problem+json that says what was wrong; bad input is never a 5xx. */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized(RuntimeException e) {
        return Response.fromResponse(Problem.of(401, "unauthorized", "Unauthorized",
                        "a valid 'Authorization: Bearer <JWT>' header is required").toResponse())
                .header("WWW-Authenticate", "Bearer").build();
    }

    /** PostgreSQL slow or away: 503 with Retry-After, so callers back off instead of piling on. */
    @ServerExceptionMapper
    public Response unavailable(StoreUnavailableException e) {
        return Response.fromResponse(e.problem().toResponse()).header("Retry-After", StoreUnavailableException.RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(403, "forbidden", "Forbidden", "not allowed for this caller").toResponse();
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return ProblemException.badRequest("unknown field '" + e.getPropertyName() + "'").problem().toResponse();
    }

    @ServerExceptionMapper
    public Response badValue(InvalidFormatException e) {
        return ProblemException.badRequest("field '" + path(e) + "' has an invalid value").problem().toResponse();
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field = path(e);
        return ProblemException.badRequest(field.isEmpty() ? "the request body is not the expected JSON object"
                : "field '" + field + "' has the wrong type").problem().toResponse();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return ProblemException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()).problem().toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        String detail = e.getConstraintViolations().stream()
                .map(v -> leaf(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted().collect(Collectors.joining("; "));
        return ProblemException.badRequest(detail).problem().toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        // The JSON reader wraps parse errors in a plain 400; unwrap them to say what was wrong.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof UnrecognizedPropertyException u) {
                return unknownField(u);
            }
            if (c instanceof InvalidFormatException i) {
                return badValue(i);
            }
            if (c instanceof MismatchedInputException m) {
                return mismatched(m);
            }
            if (c instanceof JsonProcessingException j) {
                return malformedJson(j);
            }
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        String title = Response.Status.fromStatusCode(status) != null ? Response.Status.fromStatusCode(status).getReasonPhrase() : "Error";
        return Problem.of(status, title.toLowerCase().replace(' ', '-'), title, e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (StoreUnavailableException.causedBy(e)) {
            LOG.warnf("PostgreSQL unavailable, answered 503: %s", e.toString());
            return unavailable(StoreUnavailableException.of(e));
        }
        LOG.error("unexpected error", e);
        return Problem.of(500, "internal", "Internal Server Error", "an unexpected error occurred; it has been logged").toResponse();
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String leaf(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
