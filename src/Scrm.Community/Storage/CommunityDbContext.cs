using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Effects;
using Scrm.Platform.Storage;

namespace Scrm.Community.Storage;

/// <summary>The community module's tables. Times are Unix milliseconds.</summary>
internal class CommunityDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>On SQLite the community module has a file of its own (<c>community.db</c>).</summary>
    public const string Store = "community";

    internal DbSet<ModelVersionRow> ModelVersions => Set<ModelVersionRow>();
    internal DbSet<CorrectionRow> Corrections => Set<CorrectionRow>();
    internal DbSet<LexiconRow> Lexicons => Set<LexiconRow>();
    internal DbSet<CalendarYearRow> CalendarYears => Set<CalendarYearRow>();
    internal DbSet<ServiceTargetRow> ServiceTargets => Set<ServiceTargetRow>();
    internal DbSet<ConversationRow> Conversations => Set<ConversationRow>();
    internal DbSet<ArticleRow> Articles => Set<ArticleRow>();
    internal DbSet<MessageRow> Messages => Set<MessageRow>();
    internal DbSet<AssignmentRow> Assignments => Set<AssignmentRow>();
    internal DbSet<NotificationRow> Notifications => Set<NotificationRow>();
    internal DbSet<SurveyRow> Surveys => Set<SurveyRow>();
    internal DbSet<ReplyTemplateRow> ReplyTemplates => Set<ReplyTemplateRow>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.UseScrmConventions();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapEffectOutcomes("community");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CommunityDbContext).Assembly);
    }
}

internal sealed class SqliteCommunityDbContext(DbContextOptions<SqliteCommunityDbContext> options) : CommunityDbContext(options);

internal sealed class PostgresCommunityDbContext(DbContextOptions<PostgresCommunityDbContext> options) : CommunityDbContext(options);

internal sealed class SqliteCommunityDesignFactory : IDesignTimeDbContextFactory<SqliteCommunityDbContext>
{
    public SqliteCommunityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCommunityDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresCommunityDesignFactory : IDesignTimeDbContextFactory<PostgresCommunityDbContext>
{
    public PostgresCommunityDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCommunityDbContext>().UseNpgsql("Host=localhost").Options);
}

/// <summary>A trained model version: its ML.NET bytes and card; the one with the latest activation decides.</summary>
internal sealed class ModelVersionRow
{
    public string Version { get; set; } = "";
    public string Card { get; set; } = "";
    public byte[]? Model { get; set; }
    public long CreatedAt { get; set; }

    /// <summary>When it last became the active version (null: never); a rollback re-activates an older one.</summary>
    public long? ActivatedAt { get; set; }

    /// <summary>The last correction it was trained with.</summary>
    public long CorrectionsUpTo { get; set; }
}

/// <summary>A community manager's correction of a classification: what it should have said.</summary>
internal sealed class CorrectionRow
{
    public long Id { get; set; }
    public string Text { get; set; } = "";
    public string? Intent { get; set; }
    public string? Sentiment { get; set; }

    /// <summary>JSON array of topic codes, or null when the topics were not corrected.</summary>
    public string? Topics { get; set; }

    /// <summary>The classification before the correction (JSON), with the model that made it.</summary>
    public string? Before { get; set; }
    public string By { get; set; } = "";
    public long At { get; set; }
}

/// <summary>An edited lexicon; the highest version is in use (none: the shipped one).</summary>
internal sealed class LexiconRow
{
    public int Version { get; set; }
    public string Json { get; set; } = "";
    public string By { get; set; } = "";
    public long At { get; set; }
}

/// <summary>An edited service-level table (JSON rows of intent, tier, channel and targets); the highest version is in use (none: the shipped one).</summary>
internal sealed class ServiceTargetRow
{
    public int Version { get; set; }
    public string Json { get; set; } = "";
    public string By { get; set; } = "";
    public long At { get; set; }
}

/// <summary>An edited calendar year; it replaces the shipped year.</summary>
internal sealed class CalendarYearRow
{
    public int Year { get; set; }
    public string Json { get; set; } = "";
    public string By { get; set; } = "";
    public long At { get; set; }
}
