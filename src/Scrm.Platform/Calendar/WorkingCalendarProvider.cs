namespace Scrm.Platform.Calendar;

/// <summary>
/// The working calendar in use in this process: the shipped one until the module that stores
/// edits (community) loads them. Any module that needs "is this a working day" reads <see cref="Current"/>.
/// </summary>
public sealed class WorkingCalendarProvider
{
    private WorkingCalendar _current = WorkingCalendar.China;

    public WorkingCalendar Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value ?? throw new ArgumentNullException(nameof(value)));
    }
}
