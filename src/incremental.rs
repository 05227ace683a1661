//! The preview server's builds. The first is a full build into memory that keeps what later
//! ones need: the checked site, every file, each page's links and ids, which page job made
//! which files, and the search index's terms. After it, a save that only changes existing
//! briefings (their text, front matter or draft state, not their period) re-parses and
//! re-checks those briefings alone and re-renders only the files that show what changed:
//!
//! - the briefing's page and its chart downloads, always;
//! - the shards of the search index its words moved in and out of, and its block of results
//!   when its title or summary changed;
//! - the feed, when the briefing is one of its entries;
//! - when what other pages show of it changed (title, summary, the vendors it discusses):
//!   its neighbours (previous and next), the home page, its year's archive page, the pages
//!   of the vendors it discussed or discusses, and the 404 page.
//!
//! A briefing created, deleted or renamed for a new period renders itself at its place, its
//! old and new neighbours, its years' archive pages and the years beside them, the home
//! page, the archive, the pages of the vendors it discusses and the 404 page, and brings the
//! search index (the ids after it move one over), the feed and the sitemap up to date; its
//! old files go.
//!
//! A save that only changes templates re-renders the pages rendered with them or with a
//! template that includes them (and the feed, for its templates). A save that only changes
//! datasets re-renders the pages that show them: the briefings that draw on them (all of
//! them when one holds a headline figure), their data pages, the data index, the home page,
//! the pages, the pages of the vendors it has columns for (they chart them), and the search
//! index files and feed as above.
//!
//! A save that only changes pages (about, methodology…) re-renders those pages.
//!
//! Anything else (`sources.yaml` or `vendors.yaml`, which most pages show, a dataset whose
//! table needs more or fewer pages, `base.html` or the sitemap's templates, static files,
//! `site.yaml`, a dataset or page created, deleted or renamed, changes of several kinds in
//! one save, a save that breaks the build, and any save to a site in several languages) is
//! a full build, exactly as `quarterly build`
//! makes it, so what is served always equals a fresh build of the same content
//! (`tests/incremental.rs` holds it to that).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostics::Diagnostics;
use crate::links::{PageLinks, SiteFiles, broken_links_in, broken_links_on};
use crate::model::{Briefing, ImageFile, OutputFile, Site, SourceFile};
use crate::output::Memory;
use crate::render::{self, PageJob, Prepared, SearchIndex};
use crate::timings::Timings;
use crate::{BuildOptions, WARNINGS_SHOWN};
use rustc_hash::FxHashSet;

/// A built site held in memory, and what updating it needs.
pub struct Session {
    root: PathBuf,
    site: Site,
    prepared: Prepared,
    /// The site's own templates and static files, as the last full build read them.
    templates: crate::load::Templates,
    search: SearchIndex,
    /// Every file of the site (shared with what the server sends).
    files: BTreeMap<String, Arc<Vec<u8>>>,
    /// Every image of the site, as the SVG it is drawn from when a reader asks for it.
    images: BTreeMap<String, Arc<ImageFile>>,
    /// Each page's links and ids, by the page's path.
    links: BTreeMap<String, PageLinks>,
    /// The files each page job made, its page first.
    made: BTreeMap<PageJob, Vec<String>>,
    /// Files changed on disk since the site was last brought up to date: a save that failed
    /// to build is still a change for the next update to take in.
    pending: BTreeSet<PathBuf>,
    /// Set when an update failed after changing the search index: the next update is a
    /// full build.
    stale: bool,
    /// How many pages and charts the last full build made.
    pub pages: usize,
    pub charts: usize,
}

/// What an update changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// Whether the whole site was built again.
    pub full: bool,
    /// The files rendered again (new, or made again whether or not their bytes changed).
    pub rendered: BTreeSet<String>,
    /// The files that are gone.
    pub removed: BTreeSet<String>,
}

/// How many briefings an edit to a dataset may re-render one by one before a full build,
/// when they are most of the site, is quicker.
const QUICK_DATASET_LIMIT: usize = 1_000;

/// The options of the preview: drafts included, the first warnings kept.
fn options() -> BuildOptions {
    BuildOptions {
        drafts: true,
        keep_warnings: Some(WARNINGS_SHOWN),
        fresh: false,
    }
}

impl Session {
    /// A full build of the site at `root` into memory.
    pub fn build(root: &Path) -> Result<Session, Diagnostics> {
        let files = crate::load::load_content(root)?;
        let memory = Memory::default();
        let mut timings = Timings::default();
        let (site, mut rendered) = crate::pipeline(&files, options(), &memory, &mut timings, true)?;
        let prepared = render::prepare(&files.templates, &site.config.language)?;
        let search = match rendered.search.take() {
            Some(search) => search,
            None => render::search_index(&site),
        };
        let (made, images) = memory.into_parts();
        Ok(Session {
            root: root.to_path_buf(),
            files: made
                .into_iter()
                .map(|f| (f.path, Arc::new(f.bytes)))
                .collect(),
            images: images
                .into_iter()
                .map(|i| (i.path.clone(), Arc::new(i)))
                .collect(),
            pending: BTreeSet::new(),
            stale: false,
            templates: (files.templates, files.assets),
            links: rendered.links.into_iter().collect(),
            made: rendered.jobs.into_iter().collect(),
            pages: rendered.pages,
            charts: rendered.charts,
            site,
            prepared,
            search,
        })
    }

    /// Every file of the site, by path.
    pub fn files(&self) -> &BTreeMap<String, Arc<Vec<u8>>> {
        &self.files
    }

    /// Every image of the site, by path, not yet drawn.
    pub fn images(&self) -> &BTreeMap<String, Arc<ImageFile>> {
        &self.images
    }

    /// Brings the site up to date after the files at `changed` (absolute, or relative to
    /// the root) changed on disk. On failure the site is left as it was, and the problems
    /// are those a full build reports.
    pub fn update(&mut self, changed: &BTreeSet<PathBuf>) -> Result<Update, Diagnostics> {
        self.pending.extend(changed.iter().cloned());
        let pending = std::mem::take(&mut self.pending);
        let quick = self.quick_update(&pending);
        self.pending = pending;
        if let Some(update) = quick {
            self.pending.clear();
            return Ok(update);
        }
        let fresh = Session::build(&self.root)?;
        let removed = self
            .files
            .keys()
            .filter(|path| !fresh.files.contains_key(*path))
            .cloned()
            .collect();
        let rendered = fresh.files.keys().cloned().collect();
        *self = fresh;
        Ok(Update {
            full: true,
            rendered,
            removed,
        })
    }

    /// The update of a save that only changes existing briefings' text, or `None` when the
    /// change needs (or the result is checked by) a full build.
    fn quick_update(&mut self, changed: &BTreeSet<PathBuf>) -> Option<Update> {
        // A site in several languages is built whole after every save: an edit to one
        // edition's file may change what every other edition shows (its fallbacks, its
        // alternate links), and the page-by-page plans below know one edition.
        if self.stale || self.site.edition.is_multilingual() {
            return None;
        }
        let mut edits = Vec::new();
        let mut dataset_edits = Vec::new();
        let mut templates = false;
        let mut page_edits = Vec::new();
        let mut added: Vec<SourceFile> = Vec::new();
        let mut deleted: Vec<usize> = Vec::new();
        for path in changed {
            let relative = relative_path(&self.root, path)?;
            if relative.starts_with("templates/") {
                if !relative.starts_with(crate::load::ARCHETYPES_DIR) {
                    templates = true;
                }
                continue;
            }
            if let Some(j) = self.site.pages.iter().position(|p| p.file.path == relative) {
                let text = std::fs::read_to_string(self.root.join(&relative)).ok()?;
                if self.site.pages.get(j)?.file.text.as_ref() != text {
                    page_edits.push((j, SourceFile::new(relative, text)));
                }
                continue;
            }
            if let Some(d) = self
                .site
                .data
                .datasets
                .iter()
                .position(|d| d.file.path == relative)
            {
                let text = std::fs::read_to_string(self.root.join(&relative)).ok()?;
                if self.site.data.datasets.get(d)?.file.text.as_ref() != text {
                    dataset_edits.push((d, SourceFile::new(relative, text)));
                }
                continue;
            }
            let tracked = self
                .site
                .briefings
                .iter()
                .position(|b| b.file.path == relative);
            let absolute = self.root.join(&relative);
            let briefing_file = relative.starts_with("content/briefings/")
                && relative.ends_with(".md")
                && relative.split('/').count() == 3;
            match tracked {
                Some(i) if !absolute.exists() => deleted.push(i),
                Some(i) => {
                    let text = std::fs::read_to_string(&absolute).ok()?;
                    if self.site.briefings.get(i)?.file.text.as_ref() != text {
                        edits.push((i, SourceFile::new(relative, text)));
                    }
                }
                None if briefing_file && absolute.is_file() => {
                    let text = std::fs::read_to_string(&absolute).ok()?;
                    added.push(SourceFile::new(relative, text));
                }
                // A file that is not part of the site and is gone again (an editor's
                // temporary file) changes nothing; any other is for a full build.
                None if !absolute.exists() && !self.is_tracked(&relative) => {}
                // Backups and swap files in content/ are not read by a build.
                None if relative.starts_with("content/") && crate::load::is_ignored(&relative) => {}
                None => return None,
            }
        }
        // One kind of change at a time; several kinds in one save are a full build.
        if !page_edits.is_empty() {
            let only = !templates
                && edits.is_empty()
                && dataset_edits.is_empty()
                && added.is_empty()
                && deleted.is_empty();
            return if only {
                self.page_update(page_edits)
            } else {
                None
            };
        }
        if !added.is_empty() || !deleted.is_empty() {
            let only = !templates && edits.is_empty() && dataset_edits.is_empty();
            return match (added.as_slice(), deleted.as_slice()) {
                ([file], []) if only => self.relocate(None, Some(file)),
                ([], [i]) if only => self.relocate(Some(*i), None),
                // A briefing renamed for a new period.
                ([file], [i]) if only => self.relocate(Some(*i), Some(file)),
                _ => None,
            };
        }
        match (templates, edits.is_empty(), dataset_edits.is_empty()) {
            (true, true, true) => return self.template_update(),
            (false, true, false) => return self.dataset_update(dataset_edits),
            (false, _, true) => {}
            _ => return None,
        }
        if edits.is_empty() {
            return Some(Update::default());
        }
        let mut swapped: Vec<(usize, Briefing)> = Vec::new();
        let result = self.apply(&edits, &mut swapped);
        if result.is_none() {
            // Put back every briefing swapped in, so the site is as it was.
            for (i, old) in swapped.into_iter().rev() {
                if let Some(slot) = self.site.briefings.get_mut(i) {
                    *slot = old;
                }
            }
        }
        result
    }

    /// Whether `relative` is a file the last full build read.
    fn is_tracked(&self, relative: &str) -> bool {
        let site = &self.site;
        site.config.file.path == relative
            || site.pages.iter().any(|p| p.file.path == relative)
            || site.data.datasets.iter().any(|d| d.file.path == relative)
            || site.briefings.iter().any(|b| b.file.path == relative)
            || relative.starts_with("content/data/")
            || relative.starts_with("templates/")
    }

    /// Swaps the edited briefings in (recording the old ones in `swapped`), renders what
    /// they change and checks its links; commits only when all of that succeeded.
    fn apply(
        &mut self,
        edits: &[(usize, SourceFile)],
        swapped: &mut Vec<(usize, Briefing)>,
    ) -> Option<Update> {
        let mut jobs: BTreeSet<PageJob> = BTreeSet::new();
        let mut search_edits = Vec::new();
        let mut feed = false;
        let count = self.site.briefings.len();
        let latest = count.saturating_sub(self.site.config.feed_entries);
        for (i, file) in edits {
            let i = *i;
            let new = crate::parse::parse_one_briefing(file).ok()?;
            let old = self.site.briefings.get(i)?;
            // A new period moves the briefing among the others: a full build. (A new draft
            // state only changes its own page's banner: the preview shows drafts.)
            if new.period != old.period {
                return None;
            }
            let old_listing = listing(&self.site, old);
            let old_charts = chart_list(&old.chart_document(), &old.body);
            let old_text = render::search_text(&self.site, old);
            let old_document = (old.title.clone(), old.summary.clone());
            let slot = self.site.briefings.get_mut(i)?;
            let old = std::mem::replace(slot, new);
            swapped.push((i, old));
            let new = self.site.briefings.get(i)?;
            if crate::validate::check_briefing(&self.site, new).has_errors() {
                return None;
            }
            jobs.insert(PageJob::Briefing(i));
            let new_listing = listing(&self.site, new);
            if new_listing != old_listing {
                jobs.extend(self.listing_jobs(i, &old_listing, &new_listing));
            }
            if new_listing.0 != old_listing.0
                || chart_list(&new.chart_document(), &new.body) != old_charts
            {
                jobs.extend(self.chart_index_jobs());
            }
            feed |= i >= latest;
            let document_same = old_document == (new.title.clone(), new.summary.clone());
            search_edits.push((i, old_text, document_same));
        }
        self.render_and_commit(jobs.into_iter().collect(), feed, search_edits, None)
    }

    /// The update of a save that changes pages (about, methodology…) only: each page alone
    /// is rendered again; nothing else shows a page's text.
    fn page_update(&mut self, edits: Vec<(usize, SourceFile)>) -> Option<Update> {
        let mut swapped = Vec::new();
        let mut result = Some(());
        for (j, file) in edits {
            let Ok(new) = crate::parse::parse_one_page(&file) else {
                result = None;
                break;
            };
            let Some(slot) = self.site.pages.get_mut(j) else {
                result = None;
                break;
            };
            let old = std::mem::replace(slot, new);
            swapped.push((j, old));
            let checked = self
                .site
                .pages
                .get(j)
                .map(|page| !crate::validate::check_page(&self.site, page).has_errors());
            if checked != Some(true) {
                result = None;
                break;
            }
        }
        let mut jobs: BTreeSet<PageJob> = swapped.iter().map(|(j, _)| PageJob::Page(*j)).collect();
        // A page's charts are listed on the pages that list every chart.
        let charts_changed = swapped.iter().any(|(j, old)| {
            self.site.pages.get(*j).is_none_or(|new| {
                let (before, after) = (
                    chart_list(&old.id, &old.body),
                    chart_list(&new.id, &new.body),
                );
                before != after || (new.title != old.title && !after.is_empty())
            })
        });
        if charts_changed {
            jobs.extend(self.chart_index_jobs());
        }
        let jobs = jobs.into_iter().collect();
        let update = result.and_then(|()| self.render_and_commit(jobs, false, Vec::new(), None));
        if update.is_none() {
            for (j, old) in swapped.into_iter().rev() {
                if let Some(slot) = self.site.pages.get_mut(j) {
                    *slot = old;
                }
            }
        }
        update
    }

    /// The pages that list briefing `i`, whose listing went from `old` to `new`: its
    /// neighbours (previous and next), the home page, its year's archive page, the pages of
    /// the vendors it discussed or discusses, and the 404 page (which leads to the latest).
    fn listing_jobs(&self, i: usize, old: &Listing, new: &Listing) -> Vec<PageJob> {
        let mut jobs: Vec<PageJob> = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter(|&k| k < self.site.briefings.len())
            .map(PageJob::Briefing)
            .collect();
        jobs.push(PageJob::Home);
        jobs.extend(
            self.site
                .briefings
                .get(i)
                .map(|b| PageJob::ArchiveYear(b.period.year())),
        );
        jobs.push(PageJob::NotFound);
        jobs.extend(self.vendor_jobs(old.2.iter().chain(&new.2)));
        jobs
    }

    /// The pages that list every chart.
    fn chart_index_jobs(&self) -> Vec<PageJob> {
        self.site
            .pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.chart_index)
            .map(|(j, _)| PageJob::Page(j))
            .collect()
    }

    /// The pages of the vendors `ids`.
    fn vendor_jobs<'v>(&self, ids: impl IntoIterator<Item = &'v String>) -> Vec<PageJob> {
        let ids: BTreeSet<&String> = ids.into_iter().collect();
        self.site
            .data
            .vendors
            .iter()
            .enumerate()
            .filter(|(_, v)| ids.contains(&v.id))
            .map(|(n, _)| PageJob::Vendor(n))
            .collect()
    }

    /// A briefing created (`from` is `None`), deleted (`file` is `None`) or renamed for a
    /// new period (both): the briefing at its place, its old and new neighbours, both
    /// years' archive pages and the years beside them, the home page, the archive, the pages
    /// of the vendors it discusses, the 404 page, the search index (whose ids after it move
    /// one over), the feed and the sitemap are rendered again; its old files go.
    fn relocate(&mut self, from: Option<usize>, file: Option<&SourceFile>) -> Option<Update> {
        let new = match file {
            Some(file) => Some(crate::parse::parse_one_briefing(file).ok()?),
            None => None,
        };
        if let Some(new) = &new {
            let clash = self
                .site
                .briefings
                .iter()
                .enumerate()
                .any(|(k, b)| Some(k) != from && b.period == new.period);
            if clash {
                return None;
            }
        }
        let old_made = self.made.clone();
        let old_len = self.site.briefings.len();
        let old = match from {
            Some(a) if a < old_len => Some(self.site.briefings.remove(a)),
            Some(_) => return None,
            None => None,
        };
        let to = new.map(|new| {
            let t = self
                .site
                .briefings
                .partition_point(|b| b.period < new.period);
            self.site.briefings.insert(t, new);
            t
        });
        let result = self.relocated(from, to, old.as_ref(), old_len);
        if result.is_none() {
            self.made = old_made;
            if let Some(t) = to.filter(|&t| t < self.site.briefings.len()) {
                self.site.briefings.remove(t);
            }
            if let (Some(a), Some(old)) = (from, old) {
                self.site.briefings.insert(a, old);
            }
        }
        result
    }

    fn relocated(
        &mut self,
        from: Option<usize>,
        to: Option<usize>,
        old: Option<&Briefing>,
        old_len: usize,
    ) -> Option<Update> {
        let new = match to {
            Some(t) => Some(self.site.briefings.get(t)?),
            None => None,
        };
        if new.is_some_and(|new| crate::validate::check_briefing(&self.site, new).has_errors()) {
            return None;
        }
        let count = self.site.briefings.len();
        // Where each other briefing now stands.
        let place = |k: usize| render::moved_place(k, from, to);
        let mut vendors = Vec::new();
        let mut years = Vec::new();
        for b in old.into_iter().chain(new) {
            vendors.extend(render::mentioned_vendors(&self.site, b));
            years.push(b.period.year());
        }
        let old_text = old.map(|b| render::search_text(&self.site, b));
        // Its old files go; every other briefing keeps its files, its job at its new place.
        let old_paths = match from {
            Some(a) => self.made.get(&PageJob::Briefing(a))?.clone(),
            None => Vec::new(),
        };
        let mut made = BTreeMap::new();
        for (job, paths) in std::mem::take(&mut self.made) {
            match job {
                PageJob::Briefing(k) if Some(k) == from => {}
                PageJob::Briefing(k) => {
                    made.insert(PageJob::Briefing(place(k)), paths);
                }
                job => {
                    made.insert(job, paths);
                }
            }
        }
        self.made = made;
        let mut jobs: BTreeSet<PageJob> =
            BTreeSet::from([PageJob::Home, PageJob::Archive, PageJob::NotFound]);
        if let Some(t) = to {
            for k in [t.checked_sub(1), Some(t), Some(t + 1)]
                .into_iter()
                .flatten()
            {
                if k < count {
                    jobs.insert(PageJob::Briefing(k));
                }
            }
        }
        if let Some(a) = from {
            // Its old neighbours, where they now stand.
            for k in [a.checked_sub(1), Some(a + 1)].into_iter().flatten() {
                if k < old_len && place(k) < count {
                    jobs.insert(PageJob::Briefing(place(k)));
                }
            }
        }
        jobs.extend(self.vendor_jobs(&vendors));
        jobs.extend(self.chart_index_jobs());
        let mut gone = Vec::new();
        for &year in &years {
            jobs.extend(self.year_jobs(year));
            if !self.site.briefings.iter().any(|b| b.period.year() == year) {
                jobs.remove(&PageJob::ArchiveYear(year));
                gone.push(PageJob::ArchiveYear(year));
            }
        }
        let plan = Plan {
            jobs: jobs.into_iter().collect(),
            gone,
            gone_files: old_paths.into_iter().collect(),
            feed: true,
            sitemap: true,
            search_move: Some(SearchMove {
                from: from.zip(old_text),
                to,
                old_len,
            }),
            ..Plan::default()
        };
        self.commit_plan(plan, None)
    }

    /// The archive pages of `year` (when it has briefings) and of the years just before
    /// and after it, which link to it.
    fn year_jobs(&self, year: u16) -> Vec<PageJob> {
        let years: BTreeSet<u16> = self
            .site
            .briefings
            .iter()
            .map(|b| b.period.year())
            .collect();
        let mut jobs = Vec::new();
        if years.contains(&year) {
            jobs.push(PageJob::ArchiveYear(year));
        }
        jobs.extend(
            years
                .range(..year)
                .next_back()
                .map(|y| PageJob::ArchiveYear(*y)),
        );
        jobs.extend(
            years
                .range(year + 1..)
                .next()
                .map(|y| PageJob::ArchiveYear(*y)),
        );
        jobs
    }

    /// The update of a save that changes datasets only (not their id): every page that
    /// shows them is rendered again. `None`, changing nothing, when a dataset does not parse,
    /// the site's checks fail, or a dataset's table needs more or fewer pages.
    fn dataset_update(&mut self, edits: Vec<(usize, SourceFile)>) -> Option<Update> {
        let mut parsed = Vec::new();
        for (d, file) in edits {
            let new = crate::parse::parse_one_dataset(&file).ok()?;
            let old = self.site.data.datasets.get(d)?;
            if new.id != old.id || render::dataset_pages(&new) != render::dataset_pages(old) {
                return None;
            }
            parsed.push((d, new));
        }
        let ids: BTreeSet<String> = parsed.iter().map(|(_, d)| d.id.clone()).collect();
        let headline = self
            .site
            .config
            .headline
            .iter()
            .any(|f| ids.contains(&f.dataset.id));
        // The briefings that show the datasets: all of them when a headline figure (in
        // every briefing's key figures) comes from one.
        let affected: Vec<usize> = (0..self.site.briefings.len())
            .filter(|&i| {
                headline
                    || self
                        .site
                        .briefings
                        .get(i)
                        .is_some_and(|b| uses_datasets(&b.body, &ids))
            })
            .collect();
        // When most briefings of a large site show the datasets, re-rendering them and
        // re-indexing their words one by one costs more than a full build, which is what runs.
        if affected.len() > QUICK_DATASET_LIMIT && affected.len() * 2 > self.site.briefings.len() {
            return None;
        }
        let before: Vec<(String, Listing)> = affected
            .iter()
            .filter_map(|&i| self.site.briefings.get(i))
            .map(|b| (render::search_text(&self.site, b), listing(&self.site, b)))
            .collect();
        // The vendors with a column in the datasets, before or after: their pages chart it.
        let mut charted: Vec<String> = parsed.iter().flat_map(|(_, d)| vendor_columns(d)).collect();
        let mut swapped = Vec::new();
        for (d, new) in parsed {
            let slot = self.site.data.datasets.get_mut(d)?;
            let old = std::mem::replace(slot, new);
            charted.extend(vendor_columns(&old));
            swapped.push((d, old));
        }
        let result = self.dataset_jobs(&affected, before, &ids, &charted);
        if result.is_none() {
            for (d, old) in swapped.into_iter().rev() {
                if let Some(slot) = self.site.data.datasets.get_mut(d) {
                    *slot = old;
                }
            }
        }
        result
    }

    /// With the new datasets in place: checks the site and renders what shows them.
    fn dataset_jobs(
        &mut self,
        affected: &[usize],
        before: Vec<(String, Listing)>,
        ids: &BTreeSet<String>,
        charted: &[String],
    ) -> Option<Update> {
        if crate::validate::check_site(&self.site).has_errors() {
            return None;
        }
        let site = &self.site;
        let count = site.briefings.len();
        let latest = count.saturating_sub(site.config.feed_entries);
        let mut jobs: BTreeSet<PageJob> = BTreeSet::from([PageJob::Home, PageJob::Data]);
        jobs.extend((0..site.pages.len()).map(PageJob::Page));
        jobs.extend(self.vendor_jobs(charted));
        for (d, dataset) in site.data.datasets.iter().enumerate() {
            if ids.contains(&dataset.id) {
                jobs.extend((1..=render::dataset_pages(dataset)).map(|p| PageJob::Dataset(d, p)));
            }
        }
        let mut feed = false;
        let mut search_edits = Vec::new();
        for (&i, (old_text, old_listing)) in affected.iter().zip(before) {
            let briefing = site.briefings.get(i)?;
            jobs.insert(PageJob::Briefing(i));
            let new_listing = listing(site, briefing);
            if new_listing != old_listing {
                jobs.extend(self.listing_jobs(i, &old_listing, &new_listing));
            }
            feed |= i >= latest;
            search_edits.push((i, old_text, true));
        }
        self.render_and_commit(jobs.into_iter().collect(), feed, search_edits, None)
    }

    /// The update of a save that changes templates only: the pages rendered with them, or
    /// with templates that include them, are rendered again. `None` when a template every
    /// page extends changed, when templates or static files came or went, or when the
    /// templates do not load (a full build reports why).
    fn template_update(&mut self) -> Option<Update> {
        let (templates, assets) = crate::load::load_templates(&self.root).ok()?;
        if assets != self.templates.1 {
            return None;
        }
        let named = |files: &[SourceFile]| -> BTreeMap<String, String> {
            files
                .iter()
                .map(|f| (f.path.clone(), f.text.to_string()))
                .collect()
        };
        let (old, new) = (named(&self.templates.0), named(&templates));
        if old.keys().ne(new.keys()) {
            return None;
        }
        let changed: BTreeSet<String> = new
            .iter()
            .filter(|(path, text)| old.get(*path) != Some(*text))
            .filter_map(|(path, _)| path.strip_prefix("templates/").map(str::to_string))
            .collect();
        if changed.is_empty() {
            return Some(Update::default());
        }
        // The UI strings are on every page.
        if changed.iter().any(|name| name.starts_with("i18n/")) {
            return None;
        }
        // Each template's text as the build uses it (the site's own, else the built-in),
        // and every template that names a changed one, however indirectly.
        let mut texts: BTreeMap<String, String> = render::BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        for (path, text) in &new {
            if let Some(name) = path.strip_prefix("templates/") {
                texts.insert(name.to_string(), text.clone());
            }
        }
        let mut affected = changed;
        loop {
            let more: Vec<String> = texts
                .iter()
                .filter(|(name, _)| !affected.contains(*name))
                .filter(|(_, text)| {
                    affected.iter().any(|a| {
                        text.contains(&format!("\"{a}\"")) || text.contains(&format!("'{a}'"))
                    })
                })
                .map(|(name, _)| name.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            affected.extend(more);
        }
        if affected.contains("base.html") || affected.iter().any(|a| a.starts_with("sitemap")) {
            return None;
        }
        let prepared = render::prepare(&templates, &self.site.config.language).ok()?;
        let jobs: Vec<PageJob> = render::page_jobs(&self.site)
            .into_iter()
            .filter(|job| {
                render::templates_of(*job)
                    .iter()
                    .any(|t| affected.contains(*t))
            })
            .collect();
        let feed = affected.contains("feed.xml") || affected.contains("feed-entry.html");
        let update = self.render_and_commit(jobs, feed, Vec::new(), Some(prepared))?;
        self.templates.0 = templates;
        Some(update)
    }

    /// Renders `jobs` (and the feed, when `feed`), checks the links of the result, brings
    /// the search index up to date for `search_edits` (briefing, its old search text, whether
    /// its block of results is unchanged), and takes it all in; `None`, changing nothing,
    /// when anything fails. `prepared` replaces the templates when given.
    fn render_and_commit(
        &mut self,
        jobs: Vec<PageJob>,
        feed: bool,
        search_edits: Vec<(usize, String, bool)>,
        prepared: Option<Prepared>,
    ) -> Option<Update> {
        let plan = Plan {
            jobs,
            feed,
            search_edits,
            ..Plan::default()
        };
        self.commit_plan(plan, prepared)
    }

    /// `render_and_commit` with jobs that are gone as well (their files removed) and, when
    /// the site's pages come or go, its sitemaps made again.
    fn commit_plan(&mut self, plan: Plan, prepared: Option<Prepared>) -> Option<Update> {
        let Plan {
            jobs,
            gone,
            gone_files,
            feed,
            sitemap,
            search_edits,
            search_move,
        } = plan;
        let templates = prepared.as_ref().unwrap_or(&self.prepared);
        let memory = Memory::default();
        let done = render::render_jobs(&self.site, templates, &jobs, &memory).ok()?;
        let (files, images) = memory.into_parts();
        let mut new_files: BTreeMap<String, Vec<u8>> =
            files.into_iter().map(|f| (f.path, f.bytes)).collect();
        let new_images: BTreeMap<String, ImageFile> =
            images.into_iter().map(|i| (i.path.clone(), i)).collect();
        if feed {
            let OutputFile { path, bytes } = render::render_feed(&self.site, templates).ok()?;
            new_files.insert(path, bytes);
        }

        // Which files come and go, and whether any page lost an id: then every page's links
        // are checked again, else only those of the pages made again.
        let mut removed: BTreeSet<String> = gone_files;
        let mut gone_pages: BTreeSet<&str> = BTreeSet::new();
        for job in &gone {
            for (k, path) in self.made.get(job)?.iter().enumerate() {
                removed.insert(path.clone());
                if k == 0 {
                    gone_pages.insert(path.as_str());
                }
            }
        }
        if sitemap {
            let mut pages: Vec<String> = self
                .made
                .iter()
                .filter(|(job, _)| !gone.contains(job))
                .flat_map(|(_, paths)| paths.iter().filter(|p| p.ends_with(".html")).cloned())
                .collect();
            pages.extend(
                done.iter()
                    .filter(|job| !self.made.contains_key(&job.job))
                    .flat_map(|job| job.links.iter().map(|(page, _)| page.clone())),
            );
            pages.sort();
            let maps = render::render_sitemaps(&self.site, templates, &pages).ok()?;
            for path in self.files.keys().filter(|p| is_sitemap(p)) {
                if !maps.iter().any(|m| &m.path == path) {
                    removed.insert(path.clone());
                }
            }
            for map in maps {
                new_files.insert(map.path, map.bytes);
            }
        }
        // A link that resolved before still does unless a file or an id went away: files and
        // ids that are new break nothing.
        let mut ids_lost = false;
        for job in &done {
            let old_paths: &[String] = self.made.get(&job.job).map_or(&[], Vec::as_slice);
            for path in old_paths {
                if !job.paths.contains(path) {
                    removed.insert(path.clone());
                }
            }
            for path in &job.paths {
                if !old_paths.contains(path) {
                    // A file this job did not make before must be new to the site.
                    if self.files.contains_key(path) || self.images.contains_key(path) {
                        return None;
                    }
                }
            }
            for (page, links) in &job.links {
                ids_lost |= self
                    .links
                    .get(page)
                    .is_some_and(|old| !old.ids.is_subset(&links.ids));
            }
        }
        let new_links: BTreeMap<&str, &PageLinks> = done
            .iter()
            .flat_map(|job| job.links.iter().map(|(page, links)| (page.as_str(), links)))
            .collect();
        let broken = if !ids_lost && removed.is_empty() {
            // Nothing went away: only the links of the pages made again can break. They are
            // checked against the files and ids where the session holds them.
            let held = Held {
                files: &self.files,
                images: &self.images,
                links: &self.links,
                removed: &removed,
                new_files: &new_files,
                new_images: &new_images,
                new_links: &new_links,
            };
            let pages: Vec<(&str, &PageLinks)> = new_links
                .iter()
                .map(|(page, links)| (*page, *links))
                .collect();
            broken_links_in(&pages, &held, &self.site.config.base_url).0
        } else {
            let pages: Vec<(&str, &PageLinks)> = self
                .links
                .iter()
                .filter(|(page, _)| {
                    !gone_pages.contains(page.as_str()) && !removed.contains(page.as_str())
                })
                .map(|(page, links)| {
                    (
                        page.as_str(),
                        new_links.get(page.as_str()).copied().unwrap_or(links),
                    )
                })
                .chain(
                    done.iter()
                        .flat_map(|job| job.links.iter())
                        .filter(|(page, _)| !self.links.contains_key(page))
                        .map(|(page, links)| (page.as_str(), links)),
                )
                .collect();
            let paths = self
                .files
                .keys()
                .chain(self.images.keys())
                .filter(|p| !removed.contains(*p))
                .map(String::as_str)
                .chain(new_files.keys().map(String::as_str))
                .chain(new_images.keys().map(String::as_str));
            broken_links_on(&pages, None, paths, &self.site.config.base_url).0
        };
        if !broken.is_empty() {
            return None;
        }

        // Everything checked: the search index takes the new text, and the files go in.
        if let Some(prepared) = prepared {
            self.prepared = prepared;
        }
        // The index changes in place: should writing it fail, only a full build can
        // bring it back.
        let mut search_files = Vec::new();
        if let Some(SearchMove { from, to, old_len }) = search_move {
            self.stale = true;
            let from = from.as_ref().map(|(a, text)| (*a, text.as_str()));
            let (files, gone_blocks) = self.search.relocate(&self.site, from, to, old_len).ok()?;
            search_files.extend(files);
            removed.extend(gone_blocks);
        }
        for (i, old_text, document_same) in search_edits {
            self.stale = true;
            search_files.extend(
                self.search
                    .update(&self.site, i, &old_text, document_same)
                    .ok()?,
            );
        }
        self.stale = false;
        for file in search_files {
            new_files.insert(file.path, file.bytes);
        }
        for path in &removed {
            self.files.remove(path);
            self.images.remove(path);
            self.links.remove(path);
        }
        for job in &gone {
            self.made.remove(job);
        }
        let rendered: BTreeSet<String> =
            new_files.keys().chain(new_images.keys()).cloned().collect();
        self.images.extend(
            new_images
                .into_iter()
                .map(|(path, image)| (path, Arc::new(image))),
        );
        self.files.extend(
            new_files
                .into_iter()
                .map(|(path, bytes)| (path, Arc::new(bytes))),
        );
        for job in done {
            self.links.extend(job.links);
            self.made.insert(job.job, job.paths);
        }
        Some(Update {
            full: false,
            rendered,
            removed,
        })
    }
}

/// What an update renders again and takes away.
#[derive(Default)]
struct Plan {
    jobs: Vec<PageJob>,
    /// Page jobs the site no longer has.
    gone: Vec<PageJob>,
    /// Other files the site no longer has.
    gone_files: BTreeSet<String>,
    feed: bool,
    sitemap: bool,
    search_edits: Vec<(usize, String, bool)>,
    /// A briefing created, deleted or moved among the others.
    search_move: Option<SearchMove>,
}

/// Where a briefing was (with its search text) and is, and how many briefings there were.
struct SearchMove {
    from: Option<(usize, String)>,
    to: Option<usize>,
    old_len: usize,
}

fn is_sitemap(path: &str) -> bool {
    path.starts_with("sitemap") && path.ends_with(".xml")
}

/// Whether a body shows a value of one of the datasets `ids`: a figure, a calculation or a
/// chart drawn from it.
fn uses_datasets(body: &[crate::model::Segment], ids: &BTreeSet<String>) -> bool {
    use crate::model::Segment;
    body.iter().any(|segment| match segment {
        Segment::Figure(f) => ids.contains(&f.dataset.id),
        Segment::Calc(c) => c.expr.figures().iter().any(|f| ids.contains(&f.dataset.id)),
        Segment::Chart(c) => ids.contains(&c.data.id),
        Segment::Markdown(_) | Segment::Cite(_) | Segment::Quote(_) => false,
    })
}

/// The ids of the vendors a dataset has a column for.
fn vendor_columns(dataset: &crate::model::Dataset) -> Vec<String> {
    dataset
        .columns
        .iter()
        .filter_map(|c| c.vendor.as_ref().map(|v| v.id.clone()))
        .collect()
}

/// A briefing's title, summary and the ids of the vendors it discusses.
type Listing = (String, String, Vec<String>);

/// The site as an update would leave it, for checking the links of the pages it made
/// again: the files held, less those removed, with the new ones.
struct Held<'a> {
    files: &'a BTreeMap<String, Arc<Vec<u8>>>,
    images: &'a BTreeMap<String, Arc<ImageFile>>,
    links: &'a BTreeMap<String, PageLinks>,
    removed: &'a BTreeSet<String>,
    new_files: &'a BTreeMap<String, Vec<u8>>,
    new_images: &'a BTreeMap<String, ImageFile>,
    new_links: &'a BTreeMap<&'a str, &'a PageLinks>,
}

impl SiteFiles for Held<'_> {
    fn has(&self, path: &str) -> bool {
        self.new_files.contains_key(path)
            || self.new_images.contains_key(path)
            || (!self.removed.contains(path)
                && (self.files.contains_key(path) || self.images.contains_key(path)))
    }

    fn ids_of(&self, path: &str) -> Option<&FxHashSet<String>> {
        if let Some(links) = self.new_links.get(path) {
            return Some(&links.ids);
        }
        if self.removed.contains(path) {
            return None;
        }
        self.links.get(path).map(|links| &links.ids)
    }

    fn all(&self) -> Vec<&str> {
        self.files
            .keys()
            .chain(self.images.keys())
            .filter(|p| !self.removed.contains(*p))
            .chain(self.new_files.keys())
            .chain(self.new_images.keys())
            .map(String::as_str)
            .collect()
    }
}

/// A body's charts as the pages that list every chart show them: title and id.
fn chart_list(document: &str, body: &[crate::model::Segment]) -> Vec<(String, String)> {
    crate::model::charts_of(body)
        .map(|spec| {
            (
                spec.title.clone(),
                crate::routes::id_of_chart(document, spec),
            )
        })
        .collect()
}

/// What pages other than a briefing's own show of it: its title, its summary, and the
/// vendors it discusses.
fn listing(site: &Site, briefing: &Briefing) -> Listing {
    (
        briefing.title.clone(),
        briefing.summary.clone(),
        render::mentioned_vendors(site, briefing),
    )
}

/// `path` relative to `root` as the site names its files (`content/briefings/x.md`), or
/// `None` when it is outside the root or not valid UTF-8.
fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let relative = if path.is_absolute() {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let path = path
            .parent()
            .and_then(|dir| dir.canonicalize().ok())
            .and_then(|dir| path.file_name().map(|name| dir.join(name)))
            .unwrap_or_else(|| path.to_path_buf());
        path.strip_prefix(&root).ok()?.to_path_buf()
    } else {
        path.to_path_buf()
    };
    let parts: Vec<&str> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}
