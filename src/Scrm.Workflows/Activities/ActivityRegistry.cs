using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Scrm.Workflows.Activities;

/// <summary>An activity type as the validator, the schema and the runtime see it.</summary>
public sealed record ActivityDescriptor(
    string Type,
    Type ClrType,
    ActivityKinds Kinds,
    IReadOnlyList<string> Outcomes,
    IReadOnlyList<InputDescriptor> Inputs,
    string? Description)
{
    public bool Is(ActivityKinds kind) => (Kinds & kind) == kind;

    public static ActivityDescriptor For(Type type)
    {
        var attribute = type.GetCustomAttribute<ActivityAttribute>()
            ?? throw new InvalidOperationException($"{type.Name} has no [Activity] attribute.");
        if (!typeof(Activity).IsAssignableFrom(type) || type.IsAbstract)
        {
            throw new InvalidOperationException($"{type.Name} is not a concrete Activity.");
        }

        var inputs = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(Input<>))
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<InputAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p => new InputDescriptor(
                JsonNamingPolicy.CamelCase.ConvertName(p.Property.Name),
                p.Property.PropertyType.GetGenericArguments()[0],
                p.Attribute!.Required,
                p.Attribute.Description,
                p.Property))
            .ToArray();
        return new ActivityDescriptor(attribute.Type, type, attribute.Kinds, attribute.Outcomes, inputs, attribute.Description);
    }
}

/// <summary>One input of an activity type.</summary>
public sealed record InputDescriptor(string Name, Type ValueType, bool Required, string? Description, PropertyInfo Property);

/// <summary>Activity types by alias. Modules add theirs with <c>services.AddWorkflowActivity&lt;T&gt;()</c>.</summary>
internal sealed class ActivityRegistry
{
    private readonly Dictionary<string, ActivityDescriptor> _byType;
    private readonly Dictionary<string, Activity> _prototypes = new(StringComparer.Ordinal);
    private readonly IServiceProvider? _services;

    public ActivityRegistry(IEnumerable<ActivityRegistration> registrations, IServiceProvider? services = null)
    {
        _services = services;
        _byType = new Dictionary<string, ActivityDescriptor>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            var descriptor = ActivityDescriptor.For(registration.Type);
            if (!_byType.TryAdd(descriptor.Type, descriptor) && _byType[descriptor.Type].ClrType != registration.Type)
            {
                throw new InvalidOperationException($"Two activities claim the type '{descriptor.Type}'.");
            }
        }
    }

    public IEnumerable<ActivityDescriptor> All => _byType.Values.OrderBy(d => d.Type, StringComparer.Ordinal);

    public ActivityDescriptor? Find(string type) => _byType.GetValueOrDefault(type);

    /// <summary>A new, unbound object of the type, with its constructor dependencies.</summary>
    public Activity Create(ActivityDescriptor descriptor) => _services is null
        ? (Activity)Activator.CreateInstance(descriptor.ClrType)!
        : (Activity)ActivatorUtilities.CreateInstance(_services, descriptor.ClrType);

    /// <summary>An unbound object for questions that need no inputs (dynamic outcomes, extra validation).</summary>
    internal Activity Prototype(ActivityDescriptor descriptor)
    {
        lock (_prototypes)
        {
            if (!_prototypes.TryGetValue(descriptor.Type, out var prototype))
            {
                _prototypes[descriptor.Type] = prototype = Create(descriptor);
            }

            return prototype;
        }
    }
}

/// <summary>Registers one activity type.</summary>
internal sealed record ActivityRegistration(Type Type);

public static class ActivityServiceCollectionExtensions
{
    /// <summary>Adds an activity type to the engine under its <see cref="ActivityAttribute.Type"/> alias.</summary>
    public static IServiceCollection AddWorkflowActivity<TActivity>(this IServiceCollection services)
        where TActivity : Activity
    {
        services.AddSingleton(new ActivityRegistration(typeof(TActivity)));
        return services;
    }
}
