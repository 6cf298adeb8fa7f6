package dev.feed.timeline;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * The authors whose posts may join a reader's home timeline right now: everyone they follow (both
 * tiers) and themselves, minus the authors hidden from them (blocks both ways, mutes). From the
 * same caches a page read uses, so a stream costs no relation-service call a read would not make.
 */
@ApplicationScoped
public class HomeAuthors {
    private final FolloweeCache followees;
    private final HiddenAuthorsCache hiddenAuthors;

    public HomeAuthors(FolloweeCache followees, HiddenAuthorsCache hiddenAuthors) {
        this.followees = followees;
        this.hiddenAuthors = hiddenAuthors;
    }

    public Uni<Set<Long>> visible(long readerId) {
        return Uni.combine().all().unis(followees.of(readerId), hiddenAuthors.of(readerId)).asTuple()
                .map(t -> t.getItem1().without(t.getItem2()).allowed());
    }
}
