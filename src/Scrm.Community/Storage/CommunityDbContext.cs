using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Scrm.Platform.Effects;

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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ModelVersionRow>(e =>
        {
            e.ToTable("community_model_versions");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).HasColumnName("version").HasMaxLength(64);
            e.Property(x => x.Card).HasColumnName("card");
            e.Property(x => x.Model).HasColumnName("model");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ActivatedAt).HasColumnName("activated_at");
            e.HasIndex(x => x.ActivatedAt);
            e.Property(x => x.CorrectionsUpTo).HasColumnName("corrections_up_to");
        });
        modelBuilder.Entity<CorrectionRow>(e =>
        {
            e.ToTable("community_corrections");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Text).HasColumnName("text").HasMaxLength(10_000);
            e.Property(x => x.Intent).HasColumnName("intent").HasMaxLength(32);
            e.Property(x => x.Sentiment).HasColumnName("sentiment").HasMaxLength(32);
            e.Property(x => x.Topics).HasColumnName("topics").HasMaxLength(2_000);
            e.Property(x => x.Before).HasColumnName("before").HasMaxLength(2_000);
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<LexiconRow>(e =>
        {
            e.ToTable("community_lexicons");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
            e.Property(x => x.Json).HasColumnName("json");
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<CalendarYearRow>(e =>
        {
            e.ToTable("community_calendar_years");
            e.HasKey(x => x.Year);
            e.Property(x => x.Year).HasColumnName("year").ValueGeneratedNever();
            e.Property(x => x.Json).HasColumnName("json");
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<ServiceTargetRow>(e =>
        {
            e.ToTable("community_service_targets");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).HasColumnName("version").ValueGeneratedNever();
            e.Property(x => x.Json).HasColumnName("json");
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<ConversationRow>(e =>
        {
            e.ToTable("community_conversations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ThreadKey).HasColumnName("thread_key").HasMaxLength(300);
            e.HasIndex(x => x.ThreadKey).IsUnique();
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
            e.Property(x => x.Account).HasColumnName("account").HasMaxLength(64);
            e.Property(x => x.Contact).HasColumnName("contact").HasMaxLength(200);
            e.Property(x => x.ContactName).HasColumnName("contact_name").HasMaxLength(200);
            e.Property(x => x.CustomerId).HasColumnName("customer_id");
            e.HasIndex(x => x.CustomerId);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.Assignee).HasColumnName("assignee").HasMaxLength(128);
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.Intent).HasColumnName("intent").HasMaxLength(32);
            e.Property(x => x.Sentiment).HasColumnName("sentiment").HasMaxLength(32);
            e.Property(x => x.Tier).HasColumnName("tier").HasMaxLength(32);
            e.Property(x => x.Preview).HasColumnName("preview").HasMaxLength(400);
            e.Property(x => x.OpenedAt).HasColumnName("opened_at");
            e.Property(x => x.LastInboundAt).HasColumnName("last_inbound_at");
            e.Property(x => x.LastMessageAt).HasColumnName("last_message_at");
            e.Property(x => x.DueAt).HasColumnName("due_at");
            e.Property(x => x.ResolvedAt).HasColumnName("resolved_at");
            e.Property(x => x.Urgency).HasColumnName("urgency");
            e.Property(x => x.Messages).HasColumnName("messages");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Property(x => x.WaitingKey).HasColumnName("waiting_key").HasMaxLength(300);
            // The inbox reads in urgency order within an assignee and a status: every filter it starts from has its index.
            e.HasIndex(x => new { x.Assignee, x.Status, x.Urgency, x.Id });
            e.HasIndex(x => new { x.Status, x.Urgency, x.Id });
            e.HasIndex(x => new { x.Urgency, x.Id });
            // The service-level report reads the conversations opened in a period.
            e.HasIndex(x => x.OpenedAt);
        });
        modelBuilder.Entity<MessageRow>(e =>
        {
            e.ToTable("community_messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ConversationId).HasColumnName("conversation_id");
            e.HasIndex(x => new { x.ConversationId, x.Id });
            e.Property(x => x.SourceKey).HasColumnName("source_key").HasMaxLength(300);
            e.HasIndex(x => x.SourceKey).IsUnique();
            e.Property(x => x.Direction).HasColumnName("direction").HasMaxLength(8);
            e.Property(x => x.Type).HasColumnName("type").HasMaxLength(16);
            e.Property(x => x.Text).HasColumnName("text");
            e.Property(x => x.ExternalId).HasColumnName("external_id").HasMaxLength(200);
            e.Property(x => x.InReplyTo).HasColumnName("in_reply_to").HasMaxLength(200);
            e.Property(x => x.Author).HasColumnName("author").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
            e.Property(x => x.Position).HasColumnName("position");
            e.Property(x => x.Intent).HasColumnName("intent").HasMaxLength(32);
            e.Property(x => x.Sentiment).HasColumnName("sentiment").HasMaxLength(32);
            e.Property(x => x.Topics).HasColumnName("topics").HasMaxLength(2_000);
            e.Property(x => x.Model).HasColumnName("model").HasMaxLength(64);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(32);
        });
        modelBuilder.Entity<AssignmentRow>(e =>
        {
            e.ToTable("community_assignments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ConversationId).HasColumnName("conversation_id");
            e.HasIndex(x => new { x.ConversationId, x.Id });
            e.Property(x => x.From).HasColumnName("from").HasMaxLength(128);
            e.Property(x => x.Assignee).HasColumnName("assignee").HasMaxLength(128);
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(16);
            e.Property(x => x.Reasons).HasColumnName("reasons").HasMaxLength(4_000);
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.At).HasColumnName("at");
        });
        modelBuilder.Entity<NotificationRow>(e =>
        {
            e.ToTable("community_notifications");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Recipient).HasColumnName("recipient").HasMaxLength(128);
            e.HasIndex(x => new { x.Recipient, x.Id });
            e.Property(x => x.Kind).HasColumnName("kind").HasMaxLength(32);
            e.Property(x => x.ConversationId).HasColumnName("conversation_id");
            e.Property(x => x.DedupKey).HasColumnName("dedup_key").HasMaxLength(400);
            e.HasIndex(x => x.DedupKey).IsUnique();
            e.Property(x => x.Text).HasColumnName("text").HasMaxLength(1_000);
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
        });
        modelBuilder.Entity<SurveyRow>(e =>
        {
            e.ToTable("community_surveys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.ConversationId).HasColumnName("conversation_id");
            e.HasIndex(x => new { x.ConversationId, x.Id });
            e.Property(x => x.Key).HasColumnName("key").HasMaxLength(300);
            e.HasIndex(x => x.Key).IsUnique();
            e.Property(x => x.Agent).HasColumnName("agent").HasMaxLength(128);
            e.Property(x => x.Team).HasColumnName("team").HasMaxLength(128);
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
            e.Property(x => x.Intent).HasColumnName("intent").HasMaxLength(32);
            e.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
            e.Property(x => x.MessageId).HasColumnName("message_id");
            e.Property(x => x.SentAt).HasColumnName("sent_at");
            e.Property(x => x.Score).HasColumnName("score");
            e.Property(x => x.Answer).HasColumnName("answer").HasMaxLength(200);
            e.Property(x => x.AnsweredAt).HasColumnName("answered_at");
        });
        modelBuilder.Entity<ReplyTemplateRow>(e =>
        {
            e.ToTable("community_reply_templates");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Name).HasColumnName("name").HasMaxLength(100);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Body).HasColumnName("body").HasMaxLength(4_000);
            e.Property(x => x.Channel).HasColumnName("channel").HasMaxLength(32);
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        });
        modelBuilder.Entity<ArticleRow>(e =>
        {
            e.ToTable("community_articles");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(x => x.Title).HasColumnName("title").HasMaxLength(200);
            e.HasIndex(x => x.Title).IsUnique();
            e.Property(x => x.Body).HasColumnName("body").HasMaxLength(8_000);
            e.Property(x => x.Tags).HasColumnName("tags").HasMaxLength(2_000);
            e.Property(x => x.Channels).HasColumnName("channels").HasMaxLength(200);
            e.Property(x => x.Active).HasColumnName("active");
            e.HasIndex(x => x.Active);
            e.Property(x => x.Uses).HasColumnName("uses");
            e.Property(x => x.By).HasColumnName("by").HasMaxLength(128);
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        });
        modelBuilder.MapEffectOutcomes("community");
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
