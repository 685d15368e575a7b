using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Storage;

namespace Scrm.Access.Storage;

/// <summary>
/// People and access: ASP.NET Core Identity's users, roles, claims, logins and tokens, plus teams,
/// their members, API keys and the reach of each role. Times are Unix milliseconds.
/// </summary>
internal class AccessDbContext(DbContextOptions options) : IdentityDbContext<AccessUser, IdentityRole, string>(options)
{
    /// <summary>On SQLite people and keys have a file of their own (<c>access.db</c>).</summary>
    public const string Store = "access";

    internal DbSet<TeamRow> Teams => Set<TeamRow>();
    internal DbSet<TeamMemberRow> TeamMembers => Set<TeamMemberRow>();
    internal DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();
    internal DbSet<RoleReachRow> RoleReach => Set<RoleReachRow>();
    internal DbSet<HandoverRow> Handovers => Set<HandoverRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<AccessUser>(e =>
        {
            e.ToTable("access_users");
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.Property(x => x.Team).HasMaxLength(128);
            e.Property(x => x.Manager).HasMaxLength(128);
            e.Property(x => x.Kind).HasMaxLength(16);
            e.HasIndex(x => x.Team);
        });
        builder.Entity<IdentityRole>().ToTable("access_roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("access_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("access_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("access_user_logins");
        builder.Entity<IdentityUserToken<string>>().ToTable("access_user_tokens");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("access_role_claims");
        builder.Entity<TeamRow>(e =>
        {
            e.ToTable("access_teams");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Strategy).HasMaxLength(32);
            e.Property(x => x.Lead).HasMaxLength(128);
            e.Property(x => x.Parent).HasMaxLength(128);
        });
        builder.Entity<TeamMemberRow>(e =>
        {
            e.ToTable("access_team_members");
            e.HasKey(x => new { x.Team, x.UserId });
            e.Property(x => x.Team).HasMaxLength(128);
            e.Property(x => x.UserId).HasMaxLength(128);
            e.HasIndex(x => x.UserId);
        });
        builder.Entity<ApiKeyRow>(e =>
        {
            e.ToTable("access_api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(32);
            e.Property(x => x.Digest).HasMaxLength(64);
            e.HasIndex(x => x.Digest).IsUnique();
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Owner).HasMaxLength(128);
            e.Property(x => x.Roles).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(128);
            e.Property(x => x.RevokedBy).HasMaxLength(128);
        });
        builder.Entity<RoleReachRow>(e =>
        {
            e.ToTable("access_role_reach");
            e.HasKey(x => new { x.Role, x.Resource });
            e.Property(x => x.Role).HasMaxLength(32);
            e.Property(x => x.Resource).HasMaxLength(32);
            e.Property(x => x.Reach).HasConversion<string>().HasMaxLength(8);
        });
        builder.Entity<HandoverRow>(e =>
        {
            e.ToTable("access_handovers");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(128);
            e.Property(x => x.Successor).HasMaxLength(128);
            e.Property(x => x.By).HasMaxLength(128);
        });
    }
}

internal sealed class SqliteAccessDbContext(DbContextOptions<SqliteAccessDbContext> options) : AccessDbContext(options);

internal sealed class PostgresAccessDbContext(DbContextOptions<PostgresAccessDbContext> options) : AccessDbContext(options);

internal sealed class SqliteAccessDesignFactory : IDesignTimeDbContextFactory<SqliteAccessDbContext>
{
    public SqliteAccessDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAccessDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresAccessDesignFactory : IDesignTimeDbContextFactory<PostgresAccessDbContext>
{
    public PostgresAccessDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAccessDbContext>().UseNpgsql("Host=localhost").Options);
}
