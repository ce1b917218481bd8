/* SPDX-License-Identifier: GPL-2.0 */
/*
 * module_params.h - the module parameters a tool changes, put back as the
 * tool found them: when main returns or exit() is called (atexit), and on
 * SIGINT, SIGTERM and SIGHUP (then the signal is raised again, so the
 * tool dies of it as it would have).
 *
 * Only the process that saved a parameter restores it: a child forked
 * afterwards may change it too, its parent puts it back.
 */
#ifndef MODULE_PARAMS_H
#define MODULE_PARAMS_H

#define VCLOCK_PARAMS_DIR	"/sys/module/vclock/parameters/"

/*
 * Remember parameter @name (clock_mode, update_us, ...) as it is now, once:
 * clock_mode as requested (auto, say, not the mode auto chose), from the
 * module's debugfs status when it is readable. 0, or -errno when the
 * parameter cannot be read (the module is not loaded).
 */
int mparam_save(const char *name);

/* Save @name (unless saved), then write @value to it: 0 or -errno. */
int mparam_set(const char *name, const char *value);

/* Write every saved parameter back (async-signal-safe); keeps them saved. */
void mparam_restore(void);

#endif /* MODULE_PARAMS_H */
