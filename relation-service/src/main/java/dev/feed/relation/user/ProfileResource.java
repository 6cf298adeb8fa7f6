package dev.feed.relation.user;

import dev.feed.relation.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.Authenticated;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.hibernate.exception.ConstraintViolationException;

@Path("/v1/users")
@Produces(MediaType.APPLICATION_JSON)
public class ProfileResource {
    private final Caller caller;

    public ProfileResource(Caller caller) {
        this.caller = caller;
    }

    /** Creates or updates the caller's profile. */
    @PUT
    @Path("/me")
    @Authenticated
    @WithTransaction
    public Uni<Profile> putMe(@Valid @NotNull(message = "a JSON body is required") ProfileRequest request) {
        long id = caller.id();
        return User.<User>findById(id)
                .chain(existing -> {
                    User user = existing != null ? existing : new User();
                    user.id = id;
                    user.handle = request.handle();
                    user.displayName = request.displayName().strip();
                    user.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    return user.<User>persistAndFlush();
                })
                .onFailure(ProfileResource::isHandleTaken).transform(e ->
                        ProblemException.conflict("handle '" + request.handle() + "' is taken"))
                .chain(user -> User.getSession().chain(s -> s.refresh(user)).replaceWith(user))
                .map(Profile::of);
    }

    @GET
    @Path("/{id}")
    @Authenticated
    @WithSession
    public Uni<Profile> byId(@PathParam("id") String rawId) {
        long id = Ids.parse(rawId, "user id");
        return User.<User>findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no user with id " + id))
                .map(Profile::of);
    }

    @GET
    @Path("/by-handle/{handle}")
    @Authenticated
    @WithSession
    public Uni<Profile> byHandle(@PathParam("handle") String handle) {
        return User.<User>find("handle", handle).firstResult()
                .onItem().ifNull().failWith(() -> ProblemException.notFound("no user with handle '" + handle + "'"))
                .map(Profile::of);
    }

    private static boolean isHandleTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException c && "users_handle_key".equals(c.getConstraintName())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("users_handle_key")) {
                return true;
            }
        }
        return false;
    }
}
