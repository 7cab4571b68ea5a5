/* A shared library that is not a cinepipe plugin: it exports no cinepipe_plugin_entry. */
int not_a_cinepipe_plugin(void);

int not_a_cinepipe_plugin(void) {
    return 42;
}
