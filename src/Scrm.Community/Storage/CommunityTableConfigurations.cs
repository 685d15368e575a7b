using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Scrm.Community.Storage;

// One configuration per row type: what the snake_case convention (Scrm.Platform.Storage.ModelConventions) does not say.

internal sealed class ModelVersionRowConfiguration : IEntityTypeConfiguration<ModelVersionRow>
{
    public void Configure(EntityTypeBuilder<ModelVersionRow> e)
    {
        e.ToTable("community_model_versions");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).HasMaxLength(64);
        e.HasIndex(x => x.ActivatedAt);
    }
}

internal sealed class CorrectionRowConfiguration : IEntityTypeConfiguration<CorrectionRow>
{
    public void Configure(EntityTypeBuilder<CorrectionRow> e)
    {
        e.ToTable("community_corrections");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Text).HasMaxLength(10_000);
        e.Property(x => x.Intent).HasMaxLength(32);
        e.Property(x => x.Sentiment).HasMaxLength(32);
        e.Property(x => x.Topics).HasMaxLength(2_000);
        e.Property(x => x.Before).HasMaxLength(2_000);
        e.Property(x => x.By).HasMaxLength(128);
    }
}

internal sealed class LexiconRowConfiguration : IEntityTypeConfiguration<LexiconRow>
{
    public void Configure(EntityTypeBuilder<LexiconRow> e)
    {
        e.ToTable("community_lexicons");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).ValueGeneratedNever();
        e.Property(x => x.By).HasMaxLength(128);
    }
}

internal sealed class CalendarYearRowConfiguration : IEntityTypeConfiguration<CalendarYearRow>
{
    public void Configure(EntityTypeBuilder<CalendarYearRow> e)
    {
        e.ToTable("community_calendar_years");
        e.HasKey(x => x.Year);
        e.Property(x => x.Year).ValueGeneratedNever();
        e.Property(x => x.By).HasMaxLength(128);
    }
}

internal sealed class ServiceTargetRowConfiguration : IEntityTypeConfiguration<ServiceTargetRow>
{
    public void Configure(EntityTypeBuilder<ServiceTargetRow> e)
    {
        e.ToTable("community_service_targets");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).ValueGeneratedNever();
        e.Property(x => x.By).HasMaxLength(128);
    }
}

internal sealed class ConversationRowConfiguration : IEntityTypeConfiguration<ConversationRow>
{
    public void Configure(EntityTypeBuilder<ConversationRow> e)
    {
        e.ToTable("community_conversations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.ThreadKey).HasMaxLength(300);
        e.HasIndex(x => x.ThreadKey).IsUnique();
        e.Property(x => x.Channel).HasMaxLength(32);
        e.Property(x => x.Account).HasMaxLength(64);
        e.Property(x => x.Contact).HasMaxLength(200);
        e.Property(x => x.ContactName).HasMaxLength(200);
        e.HasIndex(x => x.CustomerId);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Assignee).HasMaxLength(128);
        e.Property(x => x.Team).HasMaxLength(128);
        e.Property(x => x.Intent).HasMaxLength(32);
        e.Property(x => x.Sentiment).HasMaxLength(32);
        e.Property(x => x.Tier).HasMaxLength(32);
        e.Property(x => x.Preview).HasMaxLength(400);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.Property(x => x.WaitingKey).HasMaxLength(300);
        // The inbox reads in urgency order within an assignee and a status: every filter it starts from has its index.
        e.HasIndex(x => new { x.Assignee, x.Status, x.Urgency, x.Id });
        e.HasIndex(x => new { x.Status, x.Urgency, x.Id });
        e.HasIndex(x => new { x.Urgency, x.Id });
        // The service-level report reads the conversations opened in a period.
        e.HasIndex(x => x.OpenedAt);
    }
}

internal sealed class MessageRowConfiguration : IEntityTypeConfiguration<MessageRow>
{
    public void Configure(EntityTypeBuilder<MessageRow> e)
    {
        e.ToTable("community_messages");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => new { x.ConversationId, x.Id });
        e.Property(x => x.SourceKey).HasMaxLength(300);
        e.HasIndex(x => x.SourceKey).IsUnique();
        e.Property(x => x.Direction).HasMaxLength(8);
        e.Property(x => x.Type).HasMaxLength(16);
        e.Property(x => x.ExternalId).HasMaxLength(200);
        e.Property(x => x.InReplyTo).HasMaxLength(200);
        e.Property(x => x.Author).HasMaxLength(128);
        e.Property(x => x.Intent).HasMaxLength(32);
        e.Property(x => x.Sentiment).HasMaxLength(32);
        e.Property(x => x.Topics).HasMaxLength(2_000);
        e.Property(x => x.Model).HasMaxLength(64);
        e.Property(x => x.Status).HasMaxLength(32);
    }
}

internal sealed class AssignmentRowConfiguration : IEntityTypeConfiguration<AssignmentRow>
{
    public void Configure(EntityTypeBuilder<AssignmentRow> e)
    {
        e.ToTable("community_assignments");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => new { x.ConversationId, x.Id });
        e.Property(x => x.From).HasMaxLength(128);
        e.Property(x => x.Assignee).HasMaxLength(128);
        e.Property(x => x.Team).HasMaxLength(128);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.Reasons).HasMaxLength(4_000);
        e.Property(x => x.By).HasMaxLength(128);
    }
}

internal sealed class NotificationRowConfiguration : IEntityTypeConfiguration<NotificationRow>
{
    public void Configure(EntityTypeBuilder<NotificationRow> e)
    {
        e.ToTable("community_notifications");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Recipient).HasMaxLength(128);
        e.HasIndex(x => new { x.Recipient, x.Id });
        e.Property(x => x.Kind).HasMaxLength(32);
        e.Property(x => x.DedupKey).HasMaxLength(400);
        e.HasIndex(x => x.DedupKey).IsUnique();
        e.Property(x => x.Text).HasMaxLength(1_000);
    }
}

internal sealed class SurveyRowConfiguration : IEntityTypeConfiguration<SurveyRow>
{
    public void Configure(EntityTypeBuilder<SurveyRow> e)
    {
        e.ToTable("community_surveys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => new { x.ConversationId, x.Id });
        e.Property(x => x.Key).HasMaxLength(300);
        e.HasIndex(x => x.Key).IsUnique();
        e.Property(x => x.Agent).HasMaxLength(128);
        e.Property(x => x.Team).HasMaxLength(128);
        e.Property(x => x.Channel).HasMaxLength(32);
        e.Property(x => x.Intent).HasMaxLength(32);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Answer).HasMaxLength(200);
    }
}

internal sealed class ReplyTemplateRowConfiguration : IEntityTypeConfiguration<ReplyTemplateRow>
{
    public void Configure(EntityTypeBuilder<ReplyTemplateRow> e)
    {
        e.ToTable("community_reply_templates");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Name).HasMaxLength(100);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.Body).HasMaxLength(4_000);
        e.Property(x => x.Channel).HasMaxLength(32);
        e.Property(x => x.By).HasMaxLength(128);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class ArticleRowConfiguration : IEntityTypeConfiguration<ArticleRow>
{
    public void Configure(EntityTypeBuilder<ArticleRow> e)
    {
        e.ToTable("community_articles");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.Property(x => x.Title).HasMaxLength(200);
        e.HasIndex(x => x.Title).IsUnique();
        e.Property(x => x.Body).HasMaxLength(8_000);
        e.Property(x => x.Tags).HasMaxLength(2_000);
        e.Property(x => x.Channels).HasMaxLength(200);
        e.HasIndex(x => x.Active);
        e.Property(x => x.By).HasMaxLength(128);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
