package dev.feed.relation.user;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A profile with its denormalised counts and author tier. Counts change only in SQL (see FollowStore). */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {
    @Id
    public Long id;

    @Column(nullable = false, length = 30)
    public String handle;

    @Column(name = "display_name", nullable = false, length = 100)
    public String displayName;

    @Column(name = "follower_count", nullable = false, insertable = false, updatable = false)
    public long followerCount;

    @Column(name = "following_count", nullable = false, insertable = false, updatable = false)
    public long followingCount;

    @Column(nullable = false, insertable = false, updatable = false, length = 4)
    public String tier;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
