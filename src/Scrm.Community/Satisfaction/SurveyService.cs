using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scrm.Community.Conversations;
using Scrm.Community.Replies;
using Scrm.Community.Storage;
using Scrm.Connectors.Sdk.Contract;
using Scrm.Platform.Text;

namespace Scrm.Community.Satisfaction;

internal static class SurveyStatus
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Answered = "answered";
    public const string Unanswered = "unanswered";
    public const string Skipped = "skipped";
}

/// <summary>
/// The satisfaction survey after a resolution: reserved once per resolution (its key), sent through
/// the conversation's channel under a key derived from it (the channel's sent-message ledger answers
/// a repeat "already sent"), then recorded. Sending it leaves the conversation resolved.
/// </summary>
internal sealed class SurveyService(
    IDbContextFactory<CommunityDbContext> contexts,
    ReplyService replies,
    IOptionsMonitor<CommunityOptions> options,
    TimeProvider time)
{
    public static readonly UserText Question = new(
        "感谢您的咨询！请为本次服务打分：回复数字 1–5（5 为非常满意），或回复“满意”/“不满意”。",
        "Thank you for contacting us! How satisfied were you? Reply with a number from 1 to 5 (5 is very satisfied).");

    /// <summary>Sends the survey of one resolution (once); its status afterwards.</summary>
    public async Task<string> SendAsync(long conversationId, string resolution, CancellationToken cancellationToken)
    {
        var key = "survey:" + resolution;
        var now = time.GetUtcNow();
        SurveyRow survey;
        ConversationRow c;
        MessageRow? message;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            c = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(x => x.Id == conversationId, cancellationToken)
                ?? throw new ArgumentException($"There is no conversation {conversationId}.");
            var existing = await db.Surveys.AsNoTracking().SingleOrDefaultAsync(s => s.Key == resolution, cancellationToken);
            if (existing is not null && existing.Status != SurveyStatus.Sending)
            {
                return existing.Status;
            }

            if (existing is null)
            {
                if (c.Status != ConversationStatus.Resolved)
                {
                    // Reopened before the survey went: there is nothing to rate yet.
                    return SurveyStatus.Skipped;
                }

                var text = Question.In(options.CurrentValue.Language);
                message = new MessageRow
                {
                    ConversationId = c.Id,
                    SourceKey = key,
                    Direction = MessageDirections.Out,
                    Type = "survey",
                    Text = text,
                    Author = "survey",
                    At = now.ToUnixTimeMilliseconds(),
                    Status = "sending",
                };
                survey = new SurveyRow
                {
                    ConversationId = c.Id,
                    Key = resolution,
                    Agent = c.Assignee,
                    Team = c.Team,
                    Channel = c.Channel,
                    Intent = c.Intent,
                    Status = SurveyStatus.Sending,
                };
                db.Messages.Add(message);
                db.Surveys.Add(survey);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // The same resolution surveyed at this moment by a concurrent run: that one sends.
                    return SurveyStatus.Sending;
                }

                survey.MessageId = message.Id;
                await db.SaveChangesAsync(cancellationToken);
            }
            else
            {
                survey = existing;
                message = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.SourceKey == key, cancellationToken);
            }
        }

        if (message is null)
        {
            return SurveyStatus.Sending;
        }

        SendResult sent;
        if (c.Channel == "wechat" && ReplyWindow.ClosedAt(c.LastInboundAt, now) is not null)
        {
            sent = new SendResult(SendStatus.OutsideWindow, Detail: "wechat-48h");
        }
        else
        {
            OutboundReference? answering;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                answering = await ReplyService.AnsweringAsync(db, c.Id, message.Id, cancellationToken);
            }

            sent = await replies.SendAsync(new ReplyService.Pending(message.Id, c.Id, key, c.Channel, c.Account, c.Contact, c.LastInboundAt,
                new ReplyContent(message.Text, null, null), answering), cancellationToken);
        }

        if (sent.Status is SendStatus.InProgress or SendStatus.RateLimited or SendStatus.Unavailable or SendStatus.QuotaExceeded)
        {
            throw new InvalidOperationException($"The {c.Channel} channel cannot send the survey now ({sent.Status}); the step is retried.");
        }

        var ok = sent.Status is SendStatus.Sent or SendStatus.AlreadySent;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var row = await db.Surveys.SingleAsync(s => s.Id == survey.Id, cancellationToken);
            var m = await db.Messages.SingleAsync(x => x.Id == message.Id, cancellationToken);
            if (row.Status == SurveyStatus.Sending)
            {
                row.Status = ok ? SurveyStatus.Sent : SurveyStatus.Failed;
                row.SentAt = ok ? now.ToUnixTimeMilliseconds() : null;
                m.Status = ok ? "sent" : "failed";
                m.ExternalId = sent.ChannelMessageId is { Length: <= 200 } id ? id : null;
                await db.SaveChangesAsync(cancellationToken);
            }

            return row.Status;
        }
    }
}
