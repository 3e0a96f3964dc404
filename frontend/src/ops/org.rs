//! Schools, terms, classes, staff, students and guardians (`graphql/org.graphql`).

use super::*;

operations! {
    "graphql/org.graphql",
    ("Role", "SchoolStage", "Qualification", "FamilyFlag", "SpecialNeed"),
    /// The students the caller may see, a page at a time.
    Students;
    /// One student.
    StudentDetail;
    /// The classes the caller may see.
    Classes;
    /// The district's schools (district admin).
    Schools;
    /// The school's terms.
    Terms;
    /// The school's staff, a page at a time.
    StaffList;
    /// Upload a roster file.
    ImportRoster;
    /// Create a term.
    CreateTerm;
    /// Create a class.
    CreateClass;
    /// Update a class.
    UpdateClass;
    /// A student with what an edit must keep (audited read).
    StudentForEdit;
    /// Create a staff member.
    CreateStaff;
    /// Update a staff member.
    UpdateStaff;
    /// Create a student.
    CreateStudent;
    /// Update a student.
    UpdateStudent;
    /// A student's guardians (audited read).
    Guardians;
    /// Who did or read what about a student (school admin).
    StudentTrail;
    /// Changes a student's mentor during the year, with a reason.
    ChangeMentor;
}
