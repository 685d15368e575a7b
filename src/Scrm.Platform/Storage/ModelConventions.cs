using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace Scrm.Platform.Storage;

/// <summary>
/// The mapping every module's context shares: a column is named the snake_case of its property
/// (<c>CreatedAt</c> is <c>created_at</c>, <c>UnionID</c> is <c>union_id</c>) unless the context names it.
/// </summary>
public static class ModelConventions
{
    /// <summary>Adds the shared conventions; call it from the context's <c>ConfigureConventions</c>.</summary>
    public static ModelConfigurationBuilder UseScrmConventions(this ModelConfigurationBuilder builder)
    {
        builder.Conventions.Add(_ => new SnakeCaseColumns());
        return builder;
    }

    /// <summary>
    /// <c>SourceKey</c> → <c>source_key</c>: a word starts at an upper-case letter after a lower-case
    /// letter or digit, or at the last capital of a run followed by a lower-case letter (<c>URLKey</c> → <c>url_key</c>).
    /// </summary>
    internal static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0
                && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }

    /// <summary>
    /// Runs when the model is complete, at convention level: a name given with <c>HasColumnName</c>
    /// (explicit configuration) always wins over the one derived here.
    /// </summary>
    private sealed class SnakeCaseColumns : IModelFinalizingConvention
    {
        public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
        {
            foreach (var entity in modelBuilder.Metadata.GetEntityTypes())
            {
                foreach (var property in entity.GetDeclaredProperties())
                {
                    property.Builder.HasColumnName(SnakeCase(property.Name));
                }
            }
        }
    }
}
