/* The back office's autocomplete list filters (secondshot/admin_filters.py): choosing in
   the box, or clearing it, opens the list filtered by the choice, other filters kept. */
"use strict";
{
    const $ = django.jQuery;

    $(function () {
        $("select[data-filter-query]").on("change", function () {
            const query = new URLSearchParams(this.dataset.filterQuery);
            if (this.value) {
                query.set(this.name, this.value);
            }
            window.location.search = query.toString();
        });
    });
}
