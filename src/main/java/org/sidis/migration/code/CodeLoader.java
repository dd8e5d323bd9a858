package org.sidis.migration.code;

import akka.actor.typed.Behavior;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Loads a code unit in a class loader of its own and makes its entry's behavior — the plain
 * core of a host, no actors. Every way shipped code can fail to load is an outcome with its
 * {@link Refusal} and a detail, never an exception out of here: a host must survive any bytes
 * a member sends it. All the unit's classes are defined up front, so a damaged class is found
 * at load time, not when the job first touches it.
 */
public final class CodeLoader {

  private final ClassLoader parent;

  /** Loads units under the loader that holds {@link MobileJob}. */
  public CodeLoader() {
    this(MobileJob.class.getClassLoader());
  }

  CodeLoader(ClassLoader parent) {
    this.parent = parent;
  }

  /** A unit's entry, loaded and built: the job's behavior and the loader its classes live in. */
  public sealed interface Loaded permits Job, Failed {}

  public record Job(CodeUnit unit, ClassLoader loader, Behavior<MobileJob.Run> behavior) implements Loaded {}

  public record Failed(CodeUnit unit, Refusal reason, String detail) implements Loaded {}

  /** Loads {@code unit} and asks its entry for the behavior to run at {@code node}. */
  public Loaded load(CodeUnit unit, String node) {
    UnitClassLoader loader = new UnitClassLoader(unit, parent);
    for (String name : unit.classNames()) {
      try {
        Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // A missing superclass or interface shows up here too: the class does not link.
        return new Failed(unit, Refusal.BAD_CLASS, "class " + name + " of " + unit.name() + ": " + e);
      }
    }
    Class<?> entry;
    try {
      entry = Class.forName(unit.entry(), false, loader);
    } catch (ClassNotFoundException e) {
      return new Failed(unit, Refusal.NO_ENTRY, "entry class " + unit.entry() + " is not in " + unit.name() + " (classes: " + unit.classNames() + ")");
    } catch (LinkageError e) {
      return new Failed(unit, Refusal.BAD_CLASS, "entry class " + unit.entry() + ": " + e);
    }
    if (entry.getClassLoader() != loader)
      return new Failed(unit, Refusal.NO_ENTRY, "entry class " + unit.entry() + " is the host's own, not one of " + unit.name() + "'s classes");
    if (!MobileJob.class.isAssignableFrom(entry))
      return new Failed(unit, Refusal.NOT_A_JOB, "entry class " + unit.entry() + " does not implement " + MobileJob.class.getName());
    if (!Modifier.isPublic(entry.getModifiers()) || Modifier.isAbstract(entry.getModifiers()))
      return new Failed(unit, Refusal.NOT_A_JOB, "entry class " + unit.entry() + " must be public and concrete");
    MobileJob job;
    try {
      job = (MobileJob) entry.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return new Failed(unit, Refusal.NOT_A_JOB, "entry class " + unit.entry() + " has no public no-argument constructor");
    } catch (InvocationTargetException e) {
      return new Failed(unit, Refusal.ENTRY_FAILED, "constructor of " + unit.entry() + " threw " + e.getCause());
    } catch (InstantiationException | LinkageError | RuntimeException e) {
      return new Failed(unit, Refusal.ENTRY_FAILED, "could not construct " + unit.entry() + ": " + e);
    }
    Behavior<MobileJob.Run> behavior;
    try {
      behavior = job.behavior(node);
    } catch (RuntimeException | LinkageError e) {
      return new Failed(unit, Refusal.ENTRY_FAILED, unit.entry() + ".behavior threw " + e);
    }
    if (behavior == null) return new Failed(unit, Refusal.ENTRY_FAILED, unit.entry() + ".behavior returned null");
    return new Job(unit, loader, behavior);
  }
}
